//! Wire enums: Rust enums whose variants are the documented string values of a spec enum.
//!
//! Generated code declares each enum as plain Rust (its variants and their docs), then gives
//! the table of variants and wire values to [`open_enum!`](crate::enums::open_enum) (response
//! enums: unseen values are kept in `Unknown(String)`) or
//! [`closed_enum!`](crate::enums::closed_enum) (request enums: only the documented values
//! exist). They write the rest: `VALUES`, `as_wire`, `from_wire`, `variant_name`, `Display`,
//! serde, and the [`WireEnum`] impl through which tools walk every enum generically ([`info`],
//! [`probe`]).

use std::fmt;

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serialize};

use crate::registry::{EnumInfo, EnumProbe};

#[doc(hidden)]
pub use schemars as __schemars;
#[doc(hidden)]
pub use serde as __serde;

/// A generated wire enum, open or closed.
pub trait WireEnum: Sized + Serialize + 'static {
    /// The Rust name of the type (`OrderState`).
    const NAME: &'static str;
    /// Every documented wire value, in the docs' order.
    const VALUES: &'static [&'static str];
    /// Whether unseen values are kept (`Unknown(String)`) rather than refused.
    const OPEN: bool;

    /// The wire string.
    fn wire(&self) -> &str;

    /// The variant for a wire string: `None` when a closed enum does not list it (an open
    /// enum keeps every string).
    fn parse_wire(s: &str) -> Option<Self>;

    /// The Rust name of the variant (`"Unknown"` for an open enum's fallback).
    fn variant(&self) -> &'static str;
}

/// The registry's description of a wire enum.
pub const fn info<T: WireEnum>() -> EnumInfo {
    EnumInfo {
        name: T::NAME,
        values: T::VALUES,
        open: T::OPEN,
        probe: probe::<T>,
    }
}

/// Reads a wire string as `T` and serialises it back; `None` when `T` refuses it.
pub fn probe<T: WireEnum>(wire: &str) -> Option<EnumProbe> {
    let v = T::parse_wire(wire)?;
    let back = serde_json::to_value(&v).ok()?;
    Some(EnumProbe {
        variant: v.variant(),
        wire: back.as_str()?.to_owned(),
    })
}

/// Deserialises a JSON string through `from_wire`, without allocating when the input can be
/// borrowed. Non-strings are rejected with a message naming what was found.
///
/// Generic over the function (not a `fn` pointer), so each enum's `from_wire` is inlined
/// into its visitor.
pub fn deserialize_with<'de, D, T, F>(d: D, from_wire: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> T,
{
    struct V<F>(F);
    impl<T, F: FnOnce(&str) -> T> Visitor<'_> for V<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: Error>(self, s: &str) -> Result<T, E> {
            Ok((self.0)(s))
        }
    }
    d.deserialize_str(V(from_wire))
}

/// The items of a response enum declared with its documented variants and an
/// `Unknown(String)` variant that keeps any value the spec does not list: `VALUES`, `as_wire`,
/// `from_wire`, `variant_name`, `is_unknown`, `Display`, serde and [`WireEnum`], from the
/// table of its variants and their wire values.
///
/// ```
/// /// Order side.
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum Side {
///     /// Buy.
///     Buy,
///     /// Sell.
///     Sell,
///     /// Anything else.
///     Unknown(String),
/// }
/// generated::runtime::enums::open_enum!(Side, Buy = "buy", Sell = "sell");
///
/// assert_eq!(Side::from_wire("sell"), Side::Sell);
/// assert_eq!(Side::from_wire("short").as_wire(), "short");
/// assert_eq!(Side::VALUES, ["buy", "sell"]);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum {
    ($name:ident $(, $variant:ident = $wire:literal)* $(,)?) => {
        impl $name {
            /// Every documented wire value, in the docs' order.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The wire string.
            pub fn as_wire(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// The variant for a wire string; unseen strings become [`Self::Unknown`].
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }

            /// The Rust name of the variant (`"Unknown"` for the fallback).
            pub fn variant_name(&self) -> &'static str {
                match self {
                    $(Self::$variant => ::std::stringify!($variant),)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            /// Whether this is a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, Self::Unknown(_))
            }
        }

        impl<'de> $crate::enums::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::enums::__serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::enums::deserialize_with(d, Self::from_wire)
            }
        }

        $crate::__wire_enum_common!(open $name);
    };
}

/// The items of a request enum declared with its documented variants only (a request must be
/// valid before it is sent): `VALUES`, `as_wire`, `from_wire`, `variant_name`, `Display`,
/// `FromStr` (refusing other values with an [`UnknownValue`](crate::request::UnknownValue)
/// that lists the documented ones), `Serialize` and [`WireEnum`].
///
/// ```
/// /// Query type.
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum QueryState {
///     /// Open orders.
///     Open,
///     /// Finished orders.
///     History,
/// }
/// generated::runtime::enums::closed_enum!(QueryState, Open = "open", History = "history");
///
/// assert_eq!("open".parse::<QueryState>().unwrap(), QueryState::Open);
/// assert!("closed".parse::<QueryState>().is_err());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __closed_enum {
    ($name:ident $(, $variant:ident = $wire:literal)* $(,)?) => {
        impl $name {
            /// Every documented wire value, in the docs' order.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The wire string.
            pub fn as_wire(&self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)*
                }
            }

            /// The variant for a wire string, if it is one of [`Self::VALUES`].
            pub fn from_wire(s: &str) -> ::std::option::Option<Self> {
                match s {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The Rust name of the variant.
            pub fn variant_name(&self) -> &'static str {
                match self {
                    $(Self::$variant => ::std::stringify!($variant),)*
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::request::UnknownValue;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::from_wire(s).ok_or_else(|| $crate::request::UnknownValue {
                    type_name: ::std::stringify!($name),
                    value: ::std::borrow::ToOwned::to_owned(s),
                    expected: Self::VALUES,
                })
            }
        }

        $crate::__wire_enum_common!(closed $name);
    };
}

/// What open and closed enums share: `Display`, `Serialize` and [`WireEnum`].
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_enum_common {
    (open $name:ident) => {
        $crate::__wire_enum_common!(@impls $name, true, |s| ::std::option::Option::Some(
            $name::from_wire(s)
        ));
    };
    (closed $name:ident) => {
        $crate::__wire_enum_common!(@impls $name, false, $name::from_wire);
    };
    (@impls $name:ident, $open:literal, $parse:expr) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        impl $crate::enums::__serde::Serialize for $name {
            fn serialize<S: $crate::enums::__serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_wire())
            }
        }

        impl $crate::enums::WireEnum for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const VALUES: &'static [&'static str] = $name::VALUES;
            const OPEN: bool = $open;
            fn wire(&self) -> &str {
                self.as_wire()
            }
            fn parse_wire(s: &str) -> ::std::option::Option<Self> {
                ($parse)(s)
            }
            fn variant(&self) -> &'static str {
                self.variant_name()
            }
        }
    };
}

/// The lenient JSON Schema of an open enum (any string, the documented values and their
/// errata as `x-` annotations; see [`crate::schema::open_enum`]): its description (`""` for
/// none), then each erratum as `(value, docs, wire, note)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_schema {
    ($name:ident, $description:literal $(, $erratum:expr)* $(,)?) => {
        impl $crate::enums::__schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::std::stringify!($name))
            }

            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::std::concat!(
                    ::std::module_path!(),
                    "::",
                    ::std::stringify!($name)
                ))
            }

            fn json_schema(
                _: &mut $crate::enums::__schemars::SchemaGenerator,
            ) -> $crate::enums::__schemars::Schema {
                let description: &str = $description;
                let description = (!description.is_empty()).then_some(description);
                $crate::schema::open_enum(description, Self::VALUES, &[$($erratum),*])
            }
        }
    };
}

pub use crate::{
    __closed_enum as closed_enum, __open_enum as open_enum, __open_enum_schema as open_enum_schema,
};

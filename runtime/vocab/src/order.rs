//! The unified order's enums: side, type and status in common terms.
//!
//! A spec maps each venue value onto one of these by its common name (`partially_filled`);
//! the runtime keeps a value mapped to nothing known in `Unknown` with the raw text.

use std::fmt;

use serde::{Serialize, Serializer};

/// What a spec's order map writes for a documented value that has no common term: the
/// order then carries the venue's value as `Unknown(raw)`.
pub const NO_TERM: &str = "unknown";

macro_rules! unified_enum {
    (
        $(#[$doc:meta])*
        $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $wire:literal, )* }
    ) => {
        $(#[$doc])*
        ///
        /// Serialises as its snake_case name; a venue value the spec maps to nothing known is
        /// kept in `Unknown` with the raw value.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
            /// A value the spec does not map, as the venue sent it.
            Unknown(String),
        }

        impl $name {
            /// Every documented value, in order.
            pub const ALL: &'static [&'static str] = &[$($wire),*];

            /// The common name (`partially_filled`), or the raw venue value for `Unknown`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(raw) => raw,
                }
            }

            /// The value with this common name; anything else is `Unknown(raw)`.
            pub fn from_name(name: &str) -> Self {
                match name {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether the venue's value was mapped to nothing known.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Unknown(raw) => write!(f, "unknown({raw})"),
                    other => f.write_str(other.as_str()),
                }
            }
        }

        #[cfg(feature = "spec")]
        impl<'de> serde::Deserialize<'de> for $name {
            /// Only a common name: a spec maps venue values onto known names.
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Refused inside the visitor, so the reader reports the value's own position.
                struct Name;
                impl serde::de::Visitor<'_> for Name {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "one of {:?}", $name::ALL)
                    }
                    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<$name, E> {
                        // `unknown`: a documented venue value with no common term, kept
                        // as `Unknown(raw)` (a spec says so rather than leaving it out).
                        if name == NO_TERM {
                            return Ok($name::Unknown(NO_TERM.to_owned()));
                        }
                        match $name::from_name(name) {
                            $name::Unknown(raw) => Err(E::unknown_variant(&raw, $name::ALL)),
                            known => Ok(known),
                        }
                    }
                }
                d.deserialize_str(Name)
            }
        }

        #[cfg(feature = "spec")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let names: Vec<&str> = Self::ALL.iter().copied().chain([NO_TERM]).collect();
                schemars::json_schema!({
                    "type": "string",
                    "enum": names,
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Unknown(raw) => s.serialize_str(&format!("unknown({raw})")),
                    other => s.serialize_str(other.as_str()),
                }
            }
        }
    };
}

unified_enum! {
    /// Buy or sell.
    OrderSide {
        /// Buy.
        Buy = "buy",
        /// Sell.
        Sell = "sell",
    }
}

unified_enum! {
    /// Order types in common terms.
    OrderType {
        /// Limit.
        Limit = "limit",
        /// Market.
        Market = "market",
        /// Limit, maker only (post-only).
        LimitMaker = "limit_maker",
        /// Limit, immediate or cancel.
        LimitIoc = "limit_ioc",
        /// Limit, fill or kill.
        LimitFok = "limit_fok",
        /// Stop that places a limit order.
        StopLimit = "stop_limit",
        /// Stop that places a market order.
        StopMarket = "stop_market",
        /// Take-profit that places a limit order.
        TakeProfitLimit = "take_profit_limit",
        /// Take-profit that places a market order.
        TakeProfitMarket = "take_profit_market",
        /// Trailing stop that places a market order.
        TrailingStopMarket = "trailing_stop_market",
    }
}

unified_enum! {
    /// Where an order is in its life.
    OrderStatus {
        /// Accepted and working, nothing filled yet.
        Open = "open",
        /// Partly filled and still working.
        PartiallyFilled = "partially_filled",
        /// Completely filled (terminal).
        Filled = "filled",
        /// Canceled with nothing filled (terminal).
        Canceled = "canceled",
        /// Canceled after a partial fill (terminal).
        PartiallyCanceled = "partially_canceled",
        /// Refused by the venue (terminal).
        Rejected = "rejected",
        /// Expired by the venue: time in force, self-trade prevention (terminal).
        Expired = "expired",
    }
}

impl OrderStatus {
    /// Whether the order can no longer change.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Open | Self::PartiallyFilled | Self::Unknown(_))
    }
}

//! Rustdoc attributes from the docs' text.

use proc_macro2::TokenStream;
use quote::quote;

use crate::spec::Erratum;

/// `#[doc = "..."]` lines for a block of text (nothing for `None` or empty text).
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    lines(text)
}

/// `#[doc]` lines for text that is always present.
pub fn lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = format!(" {}", l.trim_end());
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// An empty doc line (paragraph break).
pub fn blank() -> TokenStream {
    quote!(#[doc = ""])
}

/// A paragraph describing an erratum.
pub fn erratum(e: Option<&Erratum>) -> TokenStream {
    let Some(e) = e else {
        return TokenStream::new();
    };
    let mut text = format!(
        "**Erratum.** The docs say: {}. The wire shows: {}; this type follows the wire.",
        e.docs.trim_end_matches('.'),
        e.wire.trim_end_matches('.')
    );
    if let Some(n) = &e.note {
        text.push(' ');
        text.push_str(n);
    }
    let body = lines(&text);
    let b = blank();
    quote!(#b #body)
}

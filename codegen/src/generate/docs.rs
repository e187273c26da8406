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

/// `#[doc]` lines for text that is always present; bare URLs become `<links>`.
pub fn lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = format!(" {}", link_bare_urls(l.trim_end()));
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// A line with each bare `http(s)://` URL written `<url>`, as rustdoc links it (a bare URL is
/// plain text and warns). A URL already in `<...>`, a Markdown link target `](...)` or a code
/// span is left alone; the URL ends before white space, a closing bracket or quote, and
/// trailing sentence punctuation.
fn link_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut backticks = 0;
    while let Some(at) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let (before, from) = rest.split_at(at);
        backticks += before.matches('`').count();
        out.push_str(before);
        let len = from
            .find(|c: char| c.is_whitespace() || ")>]\"'`".contains(c))
            .unwrap_or(from.len());
        let url = from[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let linked = out.ends_with('<') || out.ends_with("](") || backticks % 2 == 1;
        if linked || url.len() <= "https://".len() {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &from[url.len()..];
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::link_bare_urls;

    #[test]
    fn bare_urls_become_links_and_linked_ones_stay() {
        let cases = [
            (
                "seconds\", https://www.bitfinex.com/posts/188), an object",
                "seconds\", <https://www.bitfinex.com/posts/188>), an object",
            ),
            (
                "(https://www.bitget.com/api-doc/common/signature, request headers).",
                "(<https://www.bitget.com/api-doc/common/signature>, request headers).",
            ),
            ("See https://a.test/x.", "See <https://a.test/x>."),
            (
                "<https://a.test/x> and [docs](https://a.test/y)",
                "<https://a.test/x> and [docs](https://a.test/y)",
            ),
            (
                "`curl https://a.test/x` then http://b.test",
                "`curl https://a.test/x` then <http://b.test>",
            ),
            ("no url here", "no url here"),
            ("just https:// alone", "just https:// alone"),
        ];
        for (line, want) in cases {
            assert_eq!(link_bare_urls(line), want, "{line}");
        }
    }
}

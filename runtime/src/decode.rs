//! Decoding response bodies into generated types.

use serde::de::DeserializeOwned;

/// A body that could not be decoded: malformed, truncated, HTML, or not of the expected shape.
/// The raw body is kept, so nothing the venue sent is lost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode response body: {message} (body: {})", preview(raw))]
pub struct DecodeError {
    /// What serde reported, with line and column.
    pub message: String,
    /// The body exactly as received (lossy UTF-8).
    pub raw: String,
}

impl DecodeError {
    /// A decode error with the raw body.
    pub fn new(message: impl Into<String>, raw: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
            raw: raw.into(),
        }
    }
}

/// The start of a body, quoted, for messages (at most 120 characters, then its length).
pub fn preview(raw: &str) -> String {
    const MAX: usize = 120;
    if raw.chars().count() <= MAX {
        format!("{raw:?}")
    } else {
        let head: String = raw.chars().take(MAX).collect();
        format!("{head:?}... ({} bytes in all)", raw.len())
    }
}

/// `text` if it is at most `max` bytes long; else its first `max` bytes (cut at a character
/// boundary) followed by `... (N bytes in all)`. For printing bodies and messages.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &text[..end], text.len()).into()
}

/// Decodes a JSON body into `T`.
///
/// The body is checked as UTF-8 once, then read as text: read from bytes, serde_json checks
/// every string and key on its own, which costs more than one pass over the whole body. A body
/// that is not UTF-8 is read from bytes, so its error is the one serde_json gives there.
pub fn json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, DecodeError> {
    match std::str::from_utf8(raw) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(raw),
    }
    .map_err(|e| DecodeError::new(e.to_string(), String::from_utf8_lossy(raw).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_raw_body() {
        let err = json::<serde_json::Value>(b"<html>502 Bad Gateway</html>").unwrap_err();
        assert_eq!(err.raw, "<html>502 Bad Gateway</html>");
        assert!(err.message.contains("line 1 column 1"), "{}", err.message);
        let err = json::<serde_json::Value>(b"{\"code\":10").unwrap_err();
        assert_eq!(err.raw, "{\"code\":10");
        assert!(err.to_string().contains("EOF"), "{err}");
    }

    #[test]
    fn clip_bounds_long_text() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("0123456789abc", 10), "0123456789... (13 bytes in all)");
        // A cut inside a character moves back to its start.
        assert_eq!(clip("ééé", 3), "é... (6 bytes in all)");
        let long = "x".repeat(1 << 20);
        assert!(clip(&long, 4096).len() < 4200);
        assert!(preview(&long).ends_with("... (1048576 bytes in all)"));
    }

    #[test]
    fn reads_text_as_serde_json_reads_bytes() {
        let bodies: [&[u8]; 8] = [
            br#"{"a":"\u00e9x","b":[1,2.5,null],"c":{"d":true}}"#,
            "{\"a\":\"é€😀\"}".as_bytes(),
            b"{\"a\":\"\xff\"}",
            b"{\"a\":1} \xff",
            b"\xef\xbb\xbf{}",
            b"{\"a\":\"\xed\xa0\x80\"}",
            b"[1,2",
            b"",
        ];
        for raw in bodies {
            let ours = json::<serde_json::Value>(raw);
            match serde_json::from_slice::<serde_json::Value>(raw) {
                Ok(v) => assert_eq!(ours, Ok(v), "{raw:?}"),
                Err(e) => {
                    let err = ours.unwrap_err();
                    assert_eq!(err.message, e.to_string(), "{raw:?}");
                    assert_eq!(err.raw, String::from_utf8_lossy(raw), "{raw:?}");
                }
            }
        }
    }
}

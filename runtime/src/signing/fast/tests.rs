//! Tests of the generated signers' helpers.
use super::*;
use crate::signing::recipe::{KeyEncoding, SignAlgorithm};

/// The payload fed in pieces of every size signs what the key signs whole.
#[test]
fn payload_pieces_sign_the_whole() {
    let text: String = (0..1500)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let k256 = PreparedKey::new("s", SignAlgorithm::HmacSha256, KeyEncoding::Raw, "key").unwrap();
    let k512 = PreparedKey::new("s", SignAlgorithm::HmacSha512, KeyEncoding::Raw, "key").unwrap();
    let (PreparedKey::HmacSha256(m256), PreparedKey::HmacSha512(m512)) = (&k256, &k512) else {
        unreachable!("HMAC keys")
    };
    for step in [1usize, 7, 63, 64, 65, 255, 256, 300, 1500] {
        let mut whole = text.clone().into_bytes();
        whole.push(b'!');
        let mut p = HmacKey(m256).payload();
        let mut q = HmacKey(m512).payload();
        let mut m = MessagePayload::new(&k256);
        for chunk in text.as_bytes().chunks(step) {
            let chunk = std::str::from_utf8(chunk).unwrap();
            p.put_str(chunk);
            q.put_str(chunk);
            m.put_str(chunk);
        }
        p.put_byte(b'!');
        q.put_byte(b'!');
        m.put_byte(b'!');
        let (mut b1, mut b2, mut b3) = (
            SignatureBuf::new(),
            SignatureBuf::new(),
            SignatureBuf::new(),
        );
        assert_eq!(
            p.finish(Output::Hex, &mut b1),
            const_hex::encode(k256.sign(&whole))
        );
        assert_eq!(
            q.finish(Output::HexUpper, &mut b2),
            const_hex::encode_upper(k512.sign(&whole))
        );
        assert_eq!(
            m.finish(Output::Hex, &mut b3),
            const_hex::encode(k256.sign(&whole))
        );
    }
}

/// A header value written with a control character is refused when the request is
/// finished, naming the header (escaped) and not the value.
#[test]
fn a_control_character_in_a_header_is_refused() {
    for bad in ["v\r\nX-Evil: 1", "v\0", "v\x7f", "v\t"] {
        let mut t = Text::with_capacity(0);
        t.put_header("X-Fixed", ": ok", false);
        t.begin_header("X-A");
        t.put_str(bad);
        t.end_header(true);
        let err = t.finish_http("GET", 0..0, None, None).unwrap_err();
        assert_eq!(
            err,
            SignError::HeaderControl {
                header: "X-A".into()
            }
        );
        assert!(!err.to_string().contains("Evil"), "{err}");
    }
    let mut t = Text::with_capacity(0);
    t.put_header("X-B\r\nX-Evil: 1", "", false);
    let err = t.finish_http("GET", 0..0, None, None).unwrap_err();
    assert_eq!(err.to_string().lines().count(), 1, "{err}");
    assert!(err.to_string().contains(r"`X-B\r\nX-Evil: 1`"), "{err}");
    let mut t = Text::with_capacity(0);
    t.put_header("X-Fine:", " v a=b~", false);
    assert!(t.finish_http("GET", 0..0, None, None).is_ok());
}

proptest::proptest! {
    /// UUIDs read as the `uuid` crate writes them.
    #[test]
    fn uuids_match_the_uuid_crate(n in proptest::prelude::any::<u128>()) {
        let u = uuid::Uuid::from_u128(n);
        let mut t = Text::with_capacity(0);
        t.put_uuid(&u);
        proptest::prop_assert_eq!(t.slice(t.since(0)), u.hyphenated().to_string());
    }
}

/// The writes give the engine's text: JSON strings as `serde_json` writes them, RFC 3986
/// with upper-case hex, integers and UUIDs as their `Display`.
#[test]
fn writes_match_the_engine_encodings() {
    let mut t = Text::with_capacity(0);
    t.put_json_str("a\"b\u{1}é");
    t.put_byte(b' ');
    t.put_rfc3986("a b/é");
    t.put_byte(b' ');
    t.put_str(Digits::new().i64(-7));
    t.put_str(Digits::new().u64(u64::MAX));
    t.put_bool(true);
    let u = uuid::Uuid::from_u128(0x9f2a1c4e_5b67_4d8a_bf93_2e1f4a6c8d10);
    t.put_uuid(&u);
    assert_eq!(
        t.slice(t.since(0)),
        format!(
            "{} a%20b%2F%C3%A9 -7{}true{u}",
            serde_json::to_string("a\"b\u{1}é").unwrap(),
            u64::MAX
        )
    );
}

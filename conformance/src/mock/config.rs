//! What a mock is started with: which venues, which ports, its clock, the credentials it
//! accepts.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};

use generated::runtime::registry::VenueInfo;
use generated::runtime::signing::{Credentials, KeyKind, Secret};

/// How to start a mock. The default: every venue, ephemeral loopback ports, the system clock,
/// and the [default test credentials](MockCredentials::defaults).
#[derive(Clone, Default)]
pub struct MockConfig {
    /// Venue ids to serve; empty means all of `generated::VENUES`.
    pub venues: Vec<String>,
    /// Serve the i-th venue (in `generated::VENUES` order) on `127.0.0.1:<port_base + i>`;
    /// `None` picks free ports.
    pub port_base: Option<u16>,
    /// Added to the system clock to make the mock's clock (ms), to test clock skew.
    pub clock_offset_ms: i64,
    /// Credentials per venue id, replacing the defaults of that venue.
    pub credentials: BTreeMap<String, MockCredentials>,
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("venues", &self.venues)
            .field("port_base", &self.port_base)
            .field("clock_offset_ms", &self.clock_offset_ms)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// The RFC 8032 test 1 Ed25519 key (public test material from the signing vectors).
const TEST_ED25519_PEM: &str =
    include_str!("../../fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
/// The P-256 key of RFC 6979 A.2.5 (x = C9AFA9D8...120F6721), as SEC1 PEM: public test
/// material.
const TEST_P256_PEM: &str = include_str!("../../fixtures/vectors/keys/rfc6979_a25_p256.pem");
/// The CCXT test RSA key (public test material from the signing vectors).
const TEST_RSA_PEM: &str = include_str!("../../fixtures/vectors/keys/ccxt_test_rsa2048.pem");

/// A usable secret of the kind a scheme signs with that is not the mock's: a request signed
/// with it is signed, and signed wrong (text for HMAC secrets and tokens).
pub fn wrong_key(kind: KeyKind) -> &'static str {
    match kind {
        // A seed of 32 bytes 0x07, in hex.
        KeyKind::Ed25519 => "0707070707070707070707070707070707070707070707070707070707070707",
        // A second public P-256 test key (its source is in fixtures/vectors/keys/README.md);
        // the mock holds RFC 6979 A.2.5's.
        KeyKind::EcP256 => include_str!("../../fixtures/vectors/keys/second_p256_test_key.pem"),
        _ => "not-the-secret",
    }
}

/// One credential the mock accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct MockCredential {
    /// The value (a key, secret, memo, token, or a PEM private key): wiped when dropped,
    /// compared in constant time, never printed by `Debug` or `Display`.
    pub value: Secret,
    /// Whether the venue's spec declares it secret (it is then not shown by `Debug`).
    pub secret: bool,
    /// The file the value was read from, if any (the test keys under
    /// `conformance/fixtures/vectors/keys/`).
    pub file: Option<PathBuf>,
}

/// The credentials a venue of the mock accepts, by the names the venue's spec declares
/// (`api_key`, `secret`, `memo`, `ed25519_key`, ...).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MockCredentials {
    values: BTreeMap<String, MockCredential>,
}

impl fmt::Debug for MockCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, c) in &self.values {
            if c.secret {
                m.entry(k, &"[redacted]");
            } else {
                m.entry(k, &c.value.expose());
            }
        }
        m.finish()
    }
}

impl MockCredentials {
    /// Test credentials for every credential `venue` declares: a fixed text
    /// `mock-<venue>-<name>` (`mock-acme-secret`), except keys that a scheme uses as an
    /// Ed25519, RSA or P-256 private key, which are public test keys (RFC 8032 test 1; the
    /// CCXT RSA test key; RFC 6979 A.2.5's P-256 key).
    pub fn defaults(venue: &VenueInfo) -> Self {
        let keys_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/vectors/keys");
        let key_kind = |name: &str| {
            venue
                .schemes
                .iter()
                .find(|s| s.sign.as_ref().is_some_and(|sign| sign.key == name))
                .map(|s| s.key)
        };
        let values = venue
            .credentials
            .iter()
            .map(|c| {
                let cred = match key_kind(c.name) {
                    Some(KeyKind::Ed25519) => MockCredential {
                        value: Secret::new(TEST_ED25519_PEM),
                        secret: c.secret,
                        file: Some(keys_dir.join("rfc8032_test1_ed25519.pem")),
                    },
                    Some(KeyKind::EcP256) => MockCredential {
                        value: Secret::new(TEST_P256_PEM),
                        secret: c.secret,
                        file: Some(keys_dir.join("rfc6979_a25_p256.pem")),
                    },
                    Some(KeyKind::Rsa) => MockCredential {
                        value: Secret::new(TEST_RSA_PEM),
                        secret: c.secret,
                        file: Some(keys_dir.join("ccxt_test_rsa2048.pem")),
                    },
                    _ => MockCredential {
                        value: Secret::new(format!(
                            "mock-{}-{}",
                            venue.id,
                            c.name.replace('_', "-")
                        )),
                        secret: c.secret,
                        file: None,
                    },
                };
                (c.name.to_string(), cred)
            })
            .collect();
        MockCredentials { values }
    }

    /// Sets a credential (replacing it).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>, secret: bool) {
        self.values.insert(
            name.into(),
            MockCredential {
                value: Secret::new(value),
                secret,
                file: None,
            },
        );
    }

    /// The value of a credential.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|c| c.value.expose())
    }

    /// Every credential, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MockCredential)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// These credentials as the generated signers take them, for `venue`.
    pub fn to_signing(
        &self,
        venue: &VenueInfo,
    ) -> Result<Credentials, generated::runtime::signing::CredentialError> {
        let mut creds = Credentials::new(venue.credentials);
        for (name, c) in &self.values {
            creds.set(name, c.value.expose())?;
        }
        Ok(creds)
    }
}

/// The mock's clock: the system clock plus an offset that tests may change while it runs.
#[derive(Debug, Default)]
pub struct MockClock {
    offset_ms: AtomicI64,
}

impl MockClock {
    /// A clock `offset_ms` ahead of the system clock.
    pub fn new(offset_ms: i64) -> Self {
        MockClock {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// The mock's time, ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets how far the mock's clock is ahead of the system clock (ms; negative: behind).
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_every_declared_credential_and_redact_secrets() {
        for v in generated::VENUES {
            let c = MockCredentials::defaults(v);
            for info in v.credentials {
                assert!(c.get(info.name).is_some(), "{}.{}", v.id, info.name);
            }
            let debug = format!("{c:?}");
            for (name, cred) in c.iter() {
                if cred.secret {
                    assert!(
                        !debug.contains(cred.value.expose()),
                        "{}.{name} leaks",
                        v.id
                    );
                }
            }
            c.to_signing(v).unwrap();
        }
        let b = generated::VENUES
            .iter()
            .find(|v| v.id == "binance_usdm")
            .unwrap();
        let c = MockCredentials::defaults(b);
        assert!(c.get("ed25519_key").unwrap().contains("BEGIN PRIVATE KEY"));
        assert_eq!(c.get("secret"), Some("mock-binance_usdm-secret"));
    }
}

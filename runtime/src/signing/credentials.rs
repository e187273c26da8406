//! Credentials: API keys, secrets, memos, private keys, tokens. Secret values never print.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A credential a venue's schemes use, as its spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Name used by recipes and flags (`api_key`, `secret`, `memo`).
    pub name: &'static str,
    /// Environment variable it is read from (`ACME_SECRET`).
    pub env: &'static str,
    /// Whether the value is secret (redacted everywhere it could be printed).
    pub secret: bool,
    /// What it is.
    pub doc: &'static str,
}

/// A secret string: held in a [`secrecy::SecretString`], so its bytes are zeroized when it
/// is dropped; compared in constant time ([`subtle::ConstantTimeEq`]); `Debug` and `Display`
/// print `[redacted]`. [`Secret::expose`] lends the value, never copying it.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value. The `String` handed over is zeroized once copied into the secret.
    pub fn new(value: impl Into<String>) -> Self {
        let mut value: String = value.into();
        // Copied to a box of exactly its length (`into_boxed_str` may reallocate and leave
        // the old buffer behind unwiped), then the original wiped.
        let secret = SecretString::from(Box::<str>::from(value.as_str()));
        value.zeroize();
        Secret(secret)
    }

    /// The value, by reference. Call only where it is used, never to print it.
    #[inline]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Overwrites the value with zeros in place (its length stays); dropping a secret does this.
impl Zeroize for Secret {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// The inner [`SecretString`] wipes itself when dropped.
impl ZeroizeOnDrop for Secret {}

impl ExposeSecret<str> for Secret {
    #[inline]
    fn expose_secret(&self) -> &str {
        self.expose()
    }
}

/// Constant time in the contents (only the lengths are compared first).
impl ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.expose().as_bytes().ct_eq(other.expose().as_bytes())
    }
}

/// Compares in constant time ([`ConstantTimeEq`]).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why credentials could not be assembled. Never contains a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A name the venue does not declare.
    #[error("unknown credential name (this venue has: {known})")]
    Unknown {
        /// The declared names.
        known: String,
    },
    /// A credential the chosen scheme needs is not set.
    #[error(
        "missing credential `{name}` (set {env} or {env}_FILE, or pass --credential {name}=...)"
    )]
    Missing {
        /// Its name.
        name: String,
        /// Its environment variable.
        env: String,
    },
    /// A `@file` value could not be read.
    #[error("cannot read credential `{name}` from {path}: {reason}")]
    File {
        /// Its name.
        name: String,
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// A venue's credentials, by name. Secret values are held as [`Secret`].
#[derive(Clone)]
pub struct Credentials {
    infos: &'static [CredentialInfo],
    values: BTreeMap<&'static str, Secret>,
}

impl Credentials {
    /// No credentials yet, for a venue declaring `infos`.
    pub fn new(infos: &'static [CredentialInfo]) -> Self {
        Credentials {
            infos,
            values: BTreeMap::new(),
        }
    }

    /// Reads every declared credential that is set in the environment: `<ENV>` holds the
    /// value itself (a PEM key may be given whole), `<ENV>_FILE` names a file holding it.
    pub fn from_env(infos: &'static [CredentialInfo]) -> Result<Self, CredentialError> {
        let mut c = Credentials::new(infos);
        for info in infos {
            if let Ok(v) = std::env::var(info.env) {
                let v = Zeroizing::new(v);
                c.set(info.name, &v)?;
            } else if let Ok(path) = std::env::var(format!("{}_FILE", info.env)) {
                c.set_from_file(info.name, &path)?;
            }
        }
        Ok(c)
    }

    /// Sets a credential to exactly `value`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<&mut Self, CredentialError> {
        let Some(info) = self.infos.iter().find(|i| i.name == name) else {
            // The name is not echoed: a mistyped argument may be part of a secret.
            return Err(CredentialError::Unknown {
                known: self
                    .infos
                    .iter()
                    .map(|i| i.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        self.values.insert(info.name, Secret::new(value));
        Ok(self)
    }

    /// Sets a credential to the contents of a file (PEM keys), trailing newlines removed.
    pub fn set_from_file(&mut self, name: &str, path: &str) -> Result<&mut Self, CredentialError> {
        let text = std::fs::read_to_string(path).map_err(|e| CredentialError::File {
            name: name.to_string(),
            path: path.to_string(),
            reason: e.kind().to_string(),
        })?;
        let text = Zeroizing::new(text);
        self.set(name, text.trim_end_matches(['\n', '\r']))
    }

    /// Builder form of [`Credentials::set`].
    pub fn with(mut self, name: &str, value: &str) -> Result<Self, CredentialError> {
        self.set(name, value)?;
        Ok(self)
    }

    /// The value of a credential.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.values.get(name)
    }

    /// Whether every one of `names` is set.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.values.contains_key(n))
    }

    /// The error for the first of `names` that is not set.
    pub fn require(&self, names: &[&str]) -> Result<(), CredentialError> {
        for n in names {
            if !self.values.contains_key(n) {
                let env = self
                    .infos
                    .iter()
                    .find(|i| i.name == *n)
                    .map(|i| i.env)
                    .unwrap_or("?");
                return Err(CredentialError::Missing {
                    name: n.to_string(),
                    env: env.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Whether the named credential is declared secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.infos.iter().any(|i| i.name == name && i.secret)
    }

    /// The declared credentials.
    pub fn infos(&self) -> &'static [CredentialInfo] {
        self.infos
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, v) in &self.values {
            if self.is_secret(name) {
                m.entry(name, &"[redacted]");
            } else {
                m.entry(name, &v.expose());
            }
        }
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFOS: &[CredentialInfo] = &[
        CredentialInfo {
            name: "api_key",
            env: "T_API_KEY",
            secret: false,
            doc: "",
        },
        CredentialInfo {
            name: "secret",
            env: "T_SECRET",
            secret: true,
            doc: "",
        },
    ];

    #[test]
    fn secrets_never_print() {
        let c = Credentials::new(INFOS)
            .with("api_key", "public-key")
            .unwrap()
            .with("secret", "s3cr3t-value")
            .unwrap();
        let shown = format!(
            "{c:?} {:?} {}",
            c.get("secret").unwrap(),
            c.get("secret").unwrap()
        );
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(
            shown.contains("public-key") && shown.contains("[redacted]"),
            "{shown}"
        );
        assert_eq!(c.get("secret").unwrap().expose(), "s3cr3t-value");
    }

    #[test]
    fn unknown_and_missing_names_are_explained() {
        let mut c = Credentials::new(INFOS);
        let e = c.set("passphrase", "x").err().unwrap();
        assert_eq!(
            e.to_string(),
            "unknown credential name (this venue has: api_key, secret)"
        );
        let e = c.require(&["api_key"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing credential `api_key` (set T_API_KEY or T_API_KEY_FILE, or pass --credential api_key=...)"
        );
    }
}

//! Query parameters read by name, as the venues' servers read them.

use conformance::verify::{QueryParam, VerifyError, malformed, parse_millis};

/// The value of the parameter `name`, which must be sent at most once.
pub fn optional_param<'q>(
    params: &'q [QueryParam],
    name: &'static str,
) -> Result<Option<&'q str>, VerifyError> {
    let mut found = params.iter().filter(|p| p.name == name.as_bytes());
    let Some(first) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(VerifyError::DuplicateParam(name));
    }
    std::str::from_utf8(&first.value)
        .map(Some)
        .map_err(|_| malformed(name, "not UTF-8"))
}

/// The value of the parameter `name`, which must be sent exactly once.
pub fn required_param<'q>(
    params: &'q [QueryParam],
    name: &'static str,
) -> Result<&'q str, VerifyError> {
    optional_param(params, name)?.ok_or(VerifyError::MissingParam(name))
}

/// The recvWindow parameter, if sent, as milliseconds.
pub fn recv_window_param(params: &[QueryParam]) -> Result<Option<i64>, VerifyError> {
    optional_param(params, "recvWindow")?
        .map(|v| parse_millis(v).ok_or_else(|| malformed("recvWindow", "not an integer")))
        .transpose()
}

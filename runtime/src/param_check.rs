//! The checks a generated `RequestBuilder::build` runs on parameter values before a request
//! exists: integer intervals and string lengths, each refusal naming the parameter.

use crate::request::RequestError;

/// One end of an interval: the bound and whether the bound itself is allowed.
pub type Bound = Option<(i128, bool)>;

/// Refuses `value` outside the interval (`min`, `max`), naming the parameter and the interval
/// in the docs' notation (`(0, 60000]`).
pub fn range(
    param: &'static str,
    value: i128,
    min: Bound,
    max: Bound,
    notation: &'static str,
) -> Result<(), RequestError> {
    let above = min.is_none_or(|(m, incl)| if incl { value >= m } else { value > m });
    let below = max.is_none_or(|(m, incl)| if incl { value <= m } else { value < m });
    if above && below {
        Ok(())
    } else {
        Err(RequestError::OutOfRange {
            param,
            value,
            range: notation,
        })
    }
}

/// Refuses a string with fewer than `min` or more than `max` characters (not bytes).
pub fn length(
    param: &'static str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), RequestError> {
    let n = value.chars().count();
    if let Some(min) = min.filter(|&m| n < m) {
        return Err(RequestError::TooShort { param, min });
    }
    if let Some(max) = max.filter(|&m| n > m) {
        return Err(RequestError::TooLong { param, max });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_end_is_open_or_closed_as_declared() {
        let check = |v| range("p", v, Some((0, false)), Some((10, true)), "(0, 10]");
        assert!(check(0).is_err());
        assert!(check(1).is_ok());
        assert!(check(10).is_ok());
        assert_eq!(
            check(11).unwrap_err().to_string(),
            "parameter `p` = 11 is outside (0, 10]"
        );
        assert!(range("p", i128::MIN, None, Some((5, false)), "(-inf, 5)").is_ok());
        assert!(range("p", 5, None, Some((5, false)), "(-inf, 5)").is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(length("p", "ééé", None, Some(3)).is_ok());
        assert!(matches!(
            length("p", "ab", Some(3), Some(4)),
            Err(RequestError::TooShort { min: 3, .. })
        ));
        assert!(matches!(
            length("p", "abcde", Some(3), Some(4)),
            Err(RequestError::TooLong { max: 4, .. })
        ));
    }
}

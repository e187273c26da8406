//! Integer intervals as specs write them: `(0, 60000]`, `[1, 1000]`, `[1,)`.

use crate::model::Range;

/// Parses `(0, 60000]`, `[1, 1000]`, `[1,)`.
pub fn parse_range(s: &str) -> Result<Range, String> {
    let bad = || format!("range `{s}` is not an interval such as `(0, 60000]` or `[1,)`");
    let t = s.trim();
    let min_incl = match t.chars().next() {
        Some('[') => true,
        Some('(') => false,
        _ => return Err(bad()),
    };
    let max_incl = match t.chars().last() {
        Some(']') => true,
        Some(')') => false,
        _ => return Err(bad()),
    };
    let inner = &t[1..t.len() - 1];
    let (lo, hi) = inner.split_once(',').ok_or_else(bad)?;
    let num = |x: &str| -> Result<Option<i64>, String> {
        let x = x.trim();
        if x.is_empty() {
            Ok(None)
        } else {
            x.parse().map(Some).map_err(|_| bad())
        }
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    if lo.is_none() && min_incl || hi.is_none() && max_incl {
        return Err(bad());
    }
    if let (Some(a), Some(b)) = (lo, hi)
        && a > b
    {
        return Err(format!("range `{s}` is empty"));
    }
    Ok(Range {
        min: lo.map(|v| (v, min_incl)),
        max: hi.map(|v| (v, max_incl)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = parse_range("(0, 60000]").unwrap();
        assert!(!r.contains(0) && r.contains(1) && r.contains(60000) && !r.contains(60001));
        assert_eq!(r.notation(), "(0, 60000]");
        let r = parse_range("[1,)").unwrap();
        assert!(r.contains(1) && r.contains(i64::MAX) && !r.contains(0));
        assert!(parse_range("0..5").is_err());
        assert!(parse_range("[5, 1]").is_err());
        assert!(parse_range("[, 1]").is_err());
    }
}

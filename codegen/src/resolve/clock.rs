//! Checks of `clock`: a time source the client can reach and read.

use super::{Ctx, key, with};
use crate::model::ClockSource;
use crate::source_map::Segment;
use crate::spec::{ClockSourceSpec, ClockSpec, VenueSpec};

/// Resolves `clock` of a venue file.
pub(super) fn resolve<T>(cx: &mut Ctx<'_, T>, spec: &VenueSpec) -> Option<ClockSource> {
    let c: &ClockSpec = spec.clock.as_ref()?;
    let base = [key("clock")];
    let has_url = |ws: bool| {
        spec.environments
            .values()
            .any(|e| if ws { e.ws.is_some() } else { e.rest.is_some() })
    };
    match c.source {
        ClockSourceSpec::HttpDate => {
            for (name, given) in [
                ("rest", c.rest.is_some()),
                ("ws", c.ws.is_some()),
                ("pointer", c.pointer.is_some()),
                ("unit", c.unit.is_some()),
            ] {
                if given {
                    cx.err(
                        &with(&base, &[key(name)]),
                        format!("`{name}` only applies to `source: endpoint`"),
                    );
                }
            }
            if !has_url(false) {
                cx.err(
                    &with(&base, &[key("source")]),
                    "`http_date` needs a `rest` URL in an environment",
                );
            }
            Some(ClockSource::HttpDate)
        }
        ClockSourceSpec::Endpoint => endpoint(cx, c, &base, has_url),
    }
}

fn endpoint<T>(
    cx: &mut Ctx<'_, T>,
    c: &ClockSpec,
    base: &[Segment],
    has_url: impl Fn(bool) -> bool,
) -> Option<ClockSource> {
    let pointer = match &c.pointer {
        Some(p) if p.starts_with('/') => p.clone(),
        Some(p) => {
            cx.err(
                &with(base, &[key("pointer")]),
                format!("`{p}` is not a JSON pointer (it must start with `/`)"),
            );
            p.clone()
        }
        None => {
            cx.err(
                base,
                "a time endpoint needs `pointer`, the JSON pointer to the time",
            );
            String::new()
        }
    };
    let Some(unit) = c.unit else {
        cx.err(base, "a time endpoint needs `unit` (`s`, `ms` or `us`)");
        return None;
    };
    match (&c.rest, &c.ws) {
        (Some(r), None) => {
            let at = with(base, &[key("rest")]);
            if r.method != "GET" {
                cx.err(
                    &with(&at, &[key("method")]),
                    format!("a time endpoint is read with `GET`, not `{}`", r.method),
                );
            }
            if !r.path.starts_with('/') || r.path.contains('{') {
                cx.err(
                    &with(&at, &[key("path")]),
                    format!("`{}` must start with `/` and have no placeholders", r.path),
                );
            }
            if !has_url(false) {
                cx.err(
                    &at,
                    "a REST time endpoint needs a `rest` URL in an environment",
                );
            }
            Some(ClockSource::Rest {
                method: r.method.clone(),
                path: r.path.clone(),
                pointer,
                unit,
            })
        }
        (None, Some(w)) => {
            let at = with(base, &[key("ws")]);
            if w.method.is_empty() {
                cx.err(&with(&at, &[key("method")]), "the method must not be empty");
            }
            if !has_url(true) {
                cx.err(
                    &at,
                    "a WebSocket time method needs a `ws` URL in an environment",
                );
            }
            Some(ClockSource::Ws {
                method: w.method.clone(),
                pointer,
                unit,
            })
        }
        _ => {
            cx.err(base, "a time endpoint needs exactly one of `rest` or `ws`");
            None
        }
    }
}

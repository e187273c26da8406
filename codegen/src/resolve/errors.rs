//! A venue's error section into the model: the error body struct, the documented codes and the
//! status-only errors. Its cross-field rules are in [`check`](super::check).

use super::types::resolve_fields;
use super::{Ctx, key};
use crate::model::{ErrorCodeInfo, StatusError, StructDef, TypeRegistry};
use crate::spec::{ErrorsSpec, VenueSpec};

/// The `ErrorBody` struct; registers the types its members define.
pub(super) fn body(
    cx: &mut Ctx<'_, VenueSpec>,
    spec: &VenueSpec,
    types: &mut TypeRegistry,
) -> StructDef {
    let at = [key("errors"), key("body")];
    StructDef {
        name: "ErrorBody".into(),
        doc: Some(format!("An error body from {}.", spec.name)),
        fields: resolve_fields(cx, &at, &spec.errors.body, types),
        positional: spec.errors.positional,
        additional: None,
    }
}

/// The documented error codes, in spec order.
pub(super) fn codes(errors: &ErrorsSpec) -> Vec<ErrorCodeInfo> {
    errors
        .codes
        .iter()
        .map(|c| ErrorCodeInfo {
            code: c.code.clone(),
            http: c.http,
            name: c.name.clone(),
            messages: c.messages.clone(),
            kind: c.kind,
            message_contains: c.message_contains.clone(),
        })
        .collect()
}

/// The errors signalled by HTTP status alone, in spec order.
pub(super) fn statuses(errors: &ErrorsSpec) -> Vec<StatusError> {
    errors
        .statuses
        .iter()
        .map(|st| StatusError {
            http: st.http,
            kind: st.kind,
            body: st.body,
        })
        .collect()
}

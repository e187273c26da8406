//! The specialised function of a WebSocket endpoint and scheme. It writes what the engine's
//! `Signer::sign_ws` writes: the string to sign from the params, then the frame
//! `{<constants>,"id":..,"method":..,"params":{..}}` with the signature as the last param, then the
//! timestamp.

use proc_macro2::TokenStream;
use quote::quote;

use super::Prelude;
use super::ops::{Item, Op, json, render};
use super::payload::{Flags, HasBody, Reads, payload};
use super::plan::{Plan, Unsupported, Val};
use super::write::{Form, constant_len, member_items, name, object, value};
use crate::generate::rt;
use crate::spec::ParamLocation;

/// The body of `fn(&self, signer, id, timestamp, clock) -> Result<SignedWs, _>`.
pub(super) fn body(plan: &Plan<'_>) -> Result<TokenStream, Unsupported> {
    let rt = rt();
    let s = &plan.scheme.spec;
    let w = crate::generate::ident("w");
    let mut flags = Flags::default();
    let output = s.sign.as_ref().map(|sign| sign.output);

    let mut items = member_items(&plan.at(ParamLocation::WsParams, false), output);
    let sign_code = match (s.sign.as_ref(), s.place.as_ref()) {
        (Some(sign), Some(place)) => {
            let ops = payload(plan, &HasBody::Never, &mut flags, &mut Reads::default())?;
            let sign_code = super::sign_code(plan, ops, sign.output);
            let mut ops = vec![Op::Lit(format!("{}:", name(&place.name, Form::Json)))];
            ops.extend(value(&Val::Signature, Form::Json, Some(sign.output)));
            items.push(Item { when: None, ops });
            sign_code
        }
        _ => quote!(),
    };
    let mut frame = vec![
        Op::put("put_frame_head", quote!(signer.frame_members())),
        Op::Lit("\"id\":".into()),
        Op::put("put_json_str", quote!(id)),
    ];
    frame.push(Op::Lit(format!(
        ",\"method\":{},\"params\":",
        json(&plan.method)
    )));
    frame.extend(object(items, &flags.next()));
    frame.push(Op::Lit("}".into()));
    let constant = constant_len(&frame) + 128 + 32 + 32;
    let frame_code = render(&w, frame);
    let reads_plain = [&sign_code, &frame_code]
        .into_iter()
        .any(|c| super::mentions(c, "ts_plain"));
    let prelude = Prelude::new(plan, false, reads_plain);
    let capacity = prelude.capacity(constant);
    let Prelude { code: prelude, .. } = prelude;
    let ts_arg = super::timestamp_arg(plan);
    Ok(quote! {
        #prelude
        #sign_code
        let mut w = #rt::__private::Text::with_capacity(#capacity);
        #frame_code
        let frame = w.since(0);
        w.finish_ws(frame, #ts_arg)
    })
}

//! A venue's signing vectors as the `VECTORS` constant its `INFO` points to: the vectors of
//! `vectors.yaml` with the `conformance` feature, nothing without it.

use proc_macro2::TokenStream;
use quote::quote;

use super::rt;
use crate::model::{Vector, VectorRequest, Venue};
use crate::spec::{VectorKind, VectorTimestamp};

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

/// `const VECTORS: &[VectorInfo]`, behind the `conformance` feature.
pub fn vectors(v: &Venue) -> TokenStream {
    let rt = rt();
    let vectors = v.vectors.iter().map(vector);
    quote! {
        /// The signing vectors of `vectors.yaml`, for the conformance suite.
        #[cfg(feature = "conformance")]
        const VECTORS: &[#rt::registry::VectorInfo] = &[#(#vectors),*];
        /// Built without the `conformance` feature: no vectors.
        #[cfg(not(feature = "conformance"))]
        const VECTORS: &[#rt::registry::VectorInfo] = &[];
    }
}

fn vector(v: &Vector) -> TokenStream {
    let rt = rt();
    let (id, source, scheme, verified) = (&v.id, &v.source, &v.scheme, v.verified);
    let kind = match v.kind {
        VectorKind::Official => quote!(#rt::registry::VectorKind::Official),
        VectorKind::Sdk => quote!(#rt::registry::VectorKind::Sdk),
        VectorKind::Derived => quote!(#rt::registry::VectorKind::Derived),
    };
    let credentials = v.credentials.iter().map(|c| {
        let (name, value, file) = (&c.name, &c.value, opt_str(c.file.as_deref()));
        quote!(#rt::registry::VectorCredential { name: #name, value: #value, file: #file })
    });
    let request = match &v.request {
        VectorRequest::Endpoint { id, base_url } => {
            let base = opt_str(base_url.as_deref());
            quote!(#rt::registry::VectorRequest::Endpoint { id: #id, base_url: #base })
        }
        VectorRequest::Http {
            method,
            base_url,
            path,
            body,
        } => quote!(#rt::registry::VectorRequest::Http {
            method: #method,
            base_url: #base_url,
            path: #path,
            body: #body,
        }),
        VectorRequest::Ws { method } => {
            quote!(#rt::registry::VectorRequest::Ws { method: #method })
        }
    };
    let params = v.params.iter().map(|p| {
        let (location, name, value) = (&p.location, &p.name, &p.json);
        quote!(#rt::registry::VectorParam { location: #location, name: #name, value: #value })
    });
    let timestamp = match &v.timestamp {
        VectorTimestamp::Millis(ms) => {
            let ms = proc_macro2::Literal::i64_unsuffixed(*ms);
            quote!(#rt::registry::VectorTimestamp::Millis(#ms))
        }
        VectorTimestamp::Text(t) => quote!(#rt::registry::VectorTimestamp::Text(#t)),
    };
    let e = &v.expect;
    let sts = opt_str(e.string_to_sign.as_deref());
    let sig = opt_str(e.signature.as_deref());
    let body = opt_str(e.body.as_deref());
    let url = opt_str(e.url.as_deref());
    let headers = e.headers.iter().map(|(k, v)| quote!((#k, #v)));
    let verify_key = opt_str(v.verify_key_pem.as_deref());
    let nonce = opt_str(v.nonce.as_deref());
    quote!(#rt::registry::VectorInfo {
        id: #id,
        kind: #kind,
        source: #source,
        scheme: #scheme,
        credentials: &[#(#credentials),*],
        request: #request,
        params: &[#(#params),*],
        timestamp: #timestamp,
        nonce: #nonce,
        expect: #rt::registry::VectorExpect {
            string_to_sign: #sts,
            signature: #sig,
            body: #body,
            url: #url,
            headers: &[#(#headers),*],
            verify_key: #verify_key,
        },
        verified: #verified,
    })
}

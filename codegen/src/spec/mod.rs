//! The spec format: what a YAML file under `specs/` may say.
//!
//! These types are the single definition of the format. They are deserialised from YAML by
//! [`crate::loader`], checked by [`crate::resolve`], and their JSON Schema (derived with
//! schemars) is committed as `specs/schema/*.schema.json` so editors can validate and complete
//! spec files.

mod clock;
mod endpoint;
mod field;
mod order;
mod schema;
mod signing;
mod vectors;
mod venue;

pub use clock::{ClockSourceSpec, ClockSpec, TimeUnitSpec};
pub use endpoint::{
    EndpointSpec, Example, ExampleKind, ExampleScope, ParamLocation, ParamSpec, ParamType,
    RecordPick, RequestSpec, ResponseShape, ResponseSpec, RestTransport, Supplier, Transport,
    WsTransport,
};
pub use field::{
    AdditionalSpec, AdditionalType, DescribedValue, EnumValue, Erratum, FieldSpec, WireType,
};
pub use order::{
    AbsDifferenceSpec, AbsSpec, MappedSpec, OrderSpec, QuotientSpec, SideSpec, SignOfSpec,
    SourceSpec, StatusRule, StatusSpec,
};
pub use schema::spec_schemas;
pub use signing::{CredentialSpec, SchemeSpec, SigningSpec, WindowSpec};
pub use vectors::{
    VectorCredential, VectorExpect, VectorHttp, VectorKind, VectorParam, VectorRequest, VectorSpec,
    VectorTimestamp, VectorWs, VectorsSpec,
};
pub use venue::{
    EnvelopeSpec, Environment, ErrorCode, ErrorCodeSpec, ErrorDetectSpec, ErrorKind,
    ErrorMessageSpec, ErrorsSpec, RateLimitsSpec, StatusBody, StatusErrorSpec, SuccessRule,
    VenueSpec, WsSessionSpec, WsSpec,
};

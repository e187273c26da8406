//! Where the mock listens, and which venues it serves.

use super::*;

#[tokio::test]
async fn addresses_follow_the_environments() {
    let mock = start().await;
    let p99 = mock.venue("p99").unwrap();
    assert_eq!(
        p99.rest_base.as_deref(),
        Some(format!("http://{}/api/v1", p99.addr).as_str())
    );
    assert_eq!(p99.ws_url, None);
    let b = mock.venue("binance_usdm").unwrap();
    assert_eq!(
        b.ws_url.as_deref(),
        Some(format!("ws://{}/ws-fapi/v1", b.addr).as_str())
    );
    assert_eq!(b.rest_base, None);
    assert_eq!(mock.venues().len(), generated::VENUES.len());
    // Nothing is served outside the endpoints' paths.
    let r = client()
        .get(format!("http://{}/spot/orders/x", p99.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let addr = p99.addr;
    mock.shutdown().await;
    assert!(
        client()
            .get(format!("http://{addr}/api/v1/spot/orders/x"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn only_the_venues_asked_for() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mock = MockVenue::start(MockConfig {
        venues: vec!["htx".into()],
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(mock.venues().len(), 1);
    assert!(mock.rest_base("p99").is_none());
    let err = MockVenue::start(MockConfig {
        venues: vec!["nope".into()],
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "unknown venue `nope`");
}

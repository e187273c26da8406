//! Redirects are never followed; bodies are read up to a limit, printed bounded, and a trickled
//! body times out.

use super::*;

#[tokio::test]
async fn no_redirect_is_followed_for_any_rest_endpoint() {
    // B is another origin (another port); it must never see a connection.
    let b = serve(|_, _| async {}).await;
    let mut checked = 0;
    for (v, e) in rest_endpoints() {
        for status in [301, 302, 303, 307, 308] {
            for (what, to) in [
                ("another origin", b.url.clone()),
                ("same origin", String::new()),
            ] {
                let a = redirecting(status, to).await;
                let core = client(v, &a.url).build().unwrap();
                let err = call(&core, v, e).await.unwrap_err();
                let ctx = format!("{}/{} {status} to {what}: {err}", v.id, e.id);
                let t = transport(&err);
                assert_eq!(t.kind, TransportKind::Redirect, "{ctx}");
                assert_eq!(t.attempts, 1, "{ctx}");
                assert_eq!(err.kind(), ErrorKind::Transport, "{ctx}");
                let seen = a.seen.requests();
                assert_eq!(seen.len(), 1, "sent once, never again: {ctx}");
                // Where it pointed is named, but not the (signed) query it carried.
                let location = target(&seen[0].0);
                let (path, query) = location.split_once('?').unwrap_or((location, ""));
                assert!(err.to_string().contains(path), "{ctx}");
                assert!(err.to_string().contains(&format!("HTTP {status}")), "{ctx}");
                if !query.is_empty() {
                    assert!(!err.to_string().contains(query), "{ctx}");
                }
                if e.signed {
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "no signed REST endpoint was tried");
    assert_eq!(
        b.seen.connections.load(Ordering::SeqCst),
        0,
        "a redirect was followed to another origin"
    );
}

// ---------------------------------------------------------------------------------------------
// Size limit
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_announced_body_over_the_default_limit_is_not_read() {
    let (v, e, _) = any_rest();
    // 300 MB announced; 64 KiB of it sent, then the server waits.
    let start = "<html>".to_string() + &"x".repeat(64 << 10);
    let a = serve(move |mut sock, seen| {
        let start = start.clone();
        async move {
            if read_request(&mut sock, &seen).await.is_some() {
                let head = "HTTP/1.1 503 X\r\nContent-Length: 300000000\r\n\r\n";
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(start.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        }
    })
    .await;
    let core = client(v, &a.url).build().unwrap();
    let t = Instant::now();
    let err = call(&core, v, e).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert_eq!(err.http_status(), Some(503));
    let VenueError::Decode(d) = &err else {
        panic!("{err:?}")
    };
    let too_large = d.too_large.unwrap();
    assert_eq!(too_large.limit, 16 << 20);
    assert_eq!(too_large.announced, Some(300_000_000));
    // A bounded prefix is kept, and printed shorter still.
    let raw = err.raw_body().unwrap();
    assert!(raw.starts_with("<html>xxx"), "{raw:.40}");
    assert!(raw.len() <= 4096, "{}", raw.len());
    assert!(err.to_string().len() < 600, "{err}");
    assert_eq!(a.seen.requests().len(), 1, "not retried");
}

#[tokio::test]
async fn a_streamed_body_stops_at_the_limit_and_the_limit_is_exact() {
    let (v, e, success) = any_rest();
    // Chunked, no length, endless: 64 KiB chunks until the client goes away.
    let a = serve(|mut sock, seen| async move {
        if read_request(&mut sock, &seen).await.is_some() {
            let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("10000\r\n{}\r\n", "y".repeat(0x10000));
            while sock.write_all(chunk.as_bytes()).await.is_ok() {
                seen.written.fetch_add(0x10000, Ordering::SeqCst);
                if seen.written.load(Ordering::SeqCst) > 256 << 20 {
                    return;
                }
            }
        }
    })
    .await;
    let core = client(v, &a.url)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let err = call(&core, v, e).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let VenueError::Decode(d) = &err else {
        panic!("{err:?}")
    };
    let too_large = d.too_large.unwrap();
    assert_eq!((too_large.limit, too_large.announced), (1 << 20, None));
    assert!(
        too_large.received > 1 << 20 && too_large.received <= (1 << 20) + 0x10000,
        "{too_large:?}"
    );
    assert!(err.raw_body().unwrap().starts_with("yyyy"));
    assert!(err.raw_body().unwrap().len() <= 4096);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = a.seen.written.load(Ordering::SeqCst);
    assert!(
        written < 64 << 20,
        "the client kept reading: {written} bytes"
    );

    // A body of exactly the limit is read; one byte less is too large.
    let ok = answering(
        format!("Content-Length: {}\r\n", success.len()),
        success.as_bytes().to_vec(),
    )
    .await;
    let exact = client(v, &ok.url).max_response_bytes(success.len());
    call(&exact.build().unwrap(), v, e).await.unwrap();
    let short = client(v, &ok.url).max_response_bytes(success.len() - 1);
    let err = call(&short.build().unwrap(), v, e).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

#[tokio::test]
async fn error_messages_print_a_bounded_body() {
    let (v, e, _) = any_rest();
    // A 1 MiB HTML page under the limit: the error keeps it, its Display does not print it.
    let page = format!("<html>{}</html>", "z".repeat(1 << 20));
    let a = answering(
        format!("Content-Length: {}\r\n", page.len()),
        page.clone().into_bytes(),
    )
    .await;
    let core = client(v, &a.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = call(&core, v, e).await.unwrap_err();
    assert_eq!(err.raw_body(), Some(page.as_str()));
    let shown = err.to_string();
    assert!(shown.len() < 600, "{} bytes", shown.len());
    assert!(
        shown.contains(&format!("({} bytes in all)", page.len())),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// A body trickled a byte at a time
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_trickled_body_times_out_within_the_request_timeout() {
    let (v, e, _) = any_rest();
    let a = serve(|mut sock, seen| async move {
        while read_request(&mut sock, &seen).await.is_some() {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..1000 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if sock.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    let timeout = Duration::from_millis(800);
    for attempts in [1, 2] {
        let core = client(v, &a.url)
            .request_timeout(timeout)
            .retry(retries(attempts))
            .build()
            .unwrap();
        let t = Instant::now();
        let err = tokio::time::timeout(Duration::from_secs(20), call(&core, v, e))
            .await
            .expect("the call hung")
            .unwrap_err();
        let took = t.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        let tr = transport(&err);
        assert_eq!(tr.kind, TransportKind::RequestTimeout);
        assert_eq!(tr.attempts, attempts);
        // Each attempt ends at its timeout (with slack for a loaded machine).
        assert!(took >= timeout * attempts, "{took:?}");
        assert!(
            took < timeout * attempts + Duration::from_secs(3),
            "{took:?}"
        );
    }
}

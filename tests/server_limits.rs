//! Floods and slow clients get a clean refusal and never stop other voters.

mod common;

use std::io::Write;
use std::net::{IpAddr, TcpStream};
use std::time::Duration;

use common::{input, marks, Meeting, Server, TempDir};
use hyper::{Method, StatusCode};
use tinnhiem::client::Client;

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_from_one_address_is_limited_and_other_voters_go_on() {
    let dir = TempDir::new("limits");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 1)).await;
    m.prepare(6, 6).await;

    // A slow client opens a connection and sends half a request, then stalls.
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(
        b"POST /api/elections/x/ballots HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{",
    )
    .unwrap();

    // A flood of ballots (malformed ones: the limit comes before decoding)
    // from 127.0.0.1.
    let path = m.path("/ballots");
    let mut limited = 0;
    for _ in 0..60 {
        let (status, body) = server
            .client
            .raw(Method::POST, &path, Some(b"{}".to_vec()), None)
            .await
            .unwrap();
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["error"], "rate_limited");
            assert!(v["message"].as_str().unwrap().contains("Quá nhiều"));
        }
    }
    assert!(
        limited > 30,
        "most of the flood is refused ({limited} of 60)"
    );

    // Another device (127.0.0.2) casts at once, while the flood's address is
    // still limited and the slow client still holds its connection.
    let other = Client::from_address(&server.base, Some(IpAddr::from([127, 0, 0, 2])));
    let b = m
        .ballot(&m.credentials[0].clone(), &marks(&["high", "low"]), None)
        .await;
    let receipt: serde_json::Value = other
        .call(Method::POST, &path, Some(&b), None)
        .await
        .expect("another voter is not limited");
    assert!(receipt["tracking"].is_string());

    // The limit refills: after a pause the first address may cast again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let b = m
        .ballot(&m.credentials[1].clone(), &marks(&["low", "none"]), None)
        .await;
    server
        .client
        .call::<serde_json::Value>(Method::POST, &path, Some(&b), None)
        .await
        .expect("refilled");

    // Login attempts are limited the same way (password guessing).
    let mut login_limited = false;
    for _ in 0..40 {
        let (status, _) = server
            .client
            .raw(
                Method::POST,
                "/api/login",
                Some(br#"{"password":"sai"}"#.to_vec()),
                None,
            )
            .await
            .unwrap();
        login_limited |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(login_limited, "password guessing is rate limited");
    drop(slow);
    let outcome = m.finish().await;
    assert_eq!(outcome.result.returned, 2);
}

//! Runs against a small HTTP/1.1 keep-alive server on loopback (end-to-end runs against
//! real Express and Python services are the CLI's tests).

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use agate_load::threshold::Threshold;
use agate_load::{Load, Plan, RequestSpec, Template};

/// A server answering `/ok` with 200, `/missing` with 404, `/fail` with 500, `/stall`
/// after 300 ms (the first time only), anything else with 200; counts requests.
fn server() -> (SocketAddr, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let served = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&served);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || serve(stream, &counter));
        }
    });
    (address, served)
}

fn serve(stream: TcpStream, served: &AtomicU64) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let number = served.fetch_add(1, Ordering::SeqCst);
        let status = match path.as_str() {
            "/missing" => "404 Not Found",
            "/fail" => "500 Internal Server Error",
            "/stall" => {
                if number == 0 {
                    std::thread::sleep(Duration::from_millis(300));
                }
                "200 OK"
            }
            _ => "200 OK",
        };
        let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 2\r\n\r\nok");
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn request(name: &str, path: &str, weight: u32) -> RequestSpec {
    RequestSpec {
        name: name.to_owned(),
        method: "GET".to_owned(),
        path: Template::parse(path).unwrap(),
        headers: vec![("accept".into(), "text/plain".into())],
        body: None,
        weight,
        expect: Vec::new(),
    }
}

fn plan(target: SocketAddr, requests: Vec<RequestSpec>, load: Load) -> Plan {
    Plan {
        target,
        host: target.to_string(),
        requests,
        load,
        duration: None,
        count: Some(400),
        ramp_up: Duration::ZERO,
        warm_up: Duration::ZERO,
        timeout: Duration::from_secs(5),
        threads: 2,
        seed: 7,
    }
}

#[test]
fn a_closed_run_counts_answers_and_errors_by_kind_per_request() {
    let (target, served) = server();
    let requests = vec![
        request("ok", "/ok?n={{counter}}", 2),
        request("missing", "/missing", 1),
        request("fail", "/fail", 1),
    ];
    let report = agate_load::run(
        &plan(target, requests, Load::Closed { connections: 4 }),
        &|_| {},
    )
    .unwrap();
    assert_eq!(served.load(Ordering::SeqCst), 400);
    assert_eq!(report.total.requests, 400);
    let by_name = |name: &str| {
        &report
            .requests
            .iter()
            .find(|request| request.name == name)
            .unwrap()
            .stats
    };
    assert_eq!(by_name("ok").errors.total(), 0);
    // About half, a quarter and a quarter, by weight.
    assert!((150..250).contains(&by_name("ok").requests), "{report:?}");
    assert_eq!(
        by_name("missing").errors.status_4xx,
        by_name("missing").requests
    );
    assert_eq!(by_name("fail").errors.status_5xx, by_name("fail").requests);
    let errors = Threshold::parse("errors < 1%")
        .unwrap()
        .check(&report)
        .unwrap();
    assert!(!errors.passed);
    assert!(report.total.latency_ms.max >= report.total.latency_ms.p50);
    assert!(report.total.rps > 0.0);
}

#[test]
fn the_open_model_counts_a_stall_against_every_request_due_during_it() {
    let (target, _) = server();
    // 200 requests due at 400/s over one connection: the first stalls 300 ms, and the
    // requests due meanwhile wait for it. Measured from when they were due, they show it.
    let mut plan = plan(
        target,
        vec![request("stall", "/stall", 1)],
        Load::Open {
            rate: 400.0,
            connections: 1,
        },
    );
    plan.count = Some(200);
    let report = agate_load::run(&plan, &|_| {}).unwrap();
    assert_eq!(report.total.requests, 200);
    assert!(report.total.latency_ms.max >= 300.0, "{report:?}");
    // At 400/s a 300 ms stall holds up about 120 requests: the median waited too.
    assert!(report.total.latency_ms.p50 >= 50.0, "{report:?}");
}

#[test]
fn nothing_listening_is_a_connect_error_not_a_hang() {
    let unused = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut plan = plan(
        unused,
        vec![request("ok", "/ok", 1)],
        Load::Closed { connections: 2 },
    );
    plan.count = Some(20);
    let report = agate_load::run(&plan, &|_| {}).unwrap();
    assert_eq!(report.total.errors.connect, 20);
    assert_eq!(report.total.latency_ms, agate_load::Latency::default());
}

#[test]
fn a_bad_plan_is_refused_before_sending() {
    let (target, served) = server();
    let mut bad = plan(
        target,
        vec![request("ok", "/ok", 0)],
        Load::Closed { connections: 1 },
    );
    assert!(
        agate_load::run(&bad, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("weight 0")
    );
    bad.requests[0].weight = 1;
    bad.requests[0].method = "GE T".into();
    assert!(
        agate_load::run(&bad, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("not an HTTP method")
    );
    bad.requests[0].method = "GET".into();
    bad.count = None;
    assert!(agate_load::run(&bad, &|_| {}).is_err());
    assert_eq!(served.load(Ordering::SeqCst), 0);
}

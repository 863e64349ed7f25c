//! The run: one tokio task per connection, each with its own recorder, merged at the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, HeaderName, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::stats::{Outcome, Recorder};
use crate::{Load, LoadError, LoadReport, Plan, Progress};

/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// How long a connection waits after a failed connect before the next request.
const CONNECT_BACKOFF: Duration = Duration::from_millis(10);

/// Runs `plan`, calling `progress` about once a second.
pub fn run(plan: &Plan, progress: &(dyn Fn(Progress) + Sync)) -> Result<LoadReport, LoadError> {
    plan.check()?;
    let prepared = prepare(plan)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.threads.max(1))
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(drive(plan, prepared, progress))
}

/// A request of the scenario in hyper's terms, checked once.
struct Prepared {
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
}

fn prepare(plan: &Plan) -> Result<Vec<Prepared>, LoadError> {
    plan.requests
        .iter()
        .map(|request| {
            let invalid =
                |what: String| LoadError::Invalid(format!("request `{}`: {what}", request.name));
            let method = Method::from_bytes(request.method.as_bytes())
                .map_err(|_| invalid(format!("`{}` is not an HTTP method", request.method)))?;
            let headers = request
                .headers
                .iter()
                .map(|(name, value)| {
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| invalid(format!("`{name}` is not a header name")))?;
                    let value = HeaderValue::from_str(value).map_err(|_| {
                        invalid(format!("the value of `{name}` is not a header value"))
                    })?;
                    Ok((name, value))
                })
                .collect::<Result<_, LoadError>>()?;
            Ok(Prepared { method, headers })
        })
        .collect()
}

/// What every connection shares.
struct Shared {
    plan: Plan,
    prepared: Vec<Prepared>,
    host: HeaderValue,
    start: Instant,
    end: Option<Instant>,
    measured_from: Instant,
    /// Cumulative weights, for picking a request by ticket.
    weights: Vec<u64>,
    tickets: AtomicU64,
    done: AtomicU64,
    errors: AtomicU64,
}

async fn drive(
    plan: &Plan,
    prepared: Vec<Prepared>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<LoadReport, LoadError> {
    let start = Instant::now();
    let host = HeaderValue::from_str(&plan.host)
        .map_err(|_| LoadError::Invalid(format!("`{}` is not a host name", plan.host)))?;
    let mut weights = Vec::with_capacity(plan.requests.len());
    let mut sum = 0_u64;
    for request in &plan.requests {
        sum += u64::from(request.weight);
        weights.push(sum);
    }
    let shared = Arc::new(Shared {
        plan: plan.clone(),
        prepared,
        host,
        start,
        end: plan.duration.map(|duration| start + duration),
        measured_from: start + plan.warm_up,
        weights,
        tickets: AtomicU64::new(0),
        done: AtomicU64::new(0),
        errors: AtomicU64::new(0),
    });
    let connections = match plan.load {
        Load::Closed { connections } | Load::Open { connections, .. } => connections,
    };
    let tasks: Vec<_> = (0..connections)
        .map(|index| tokio::spawn(connection(Arc::clone(&shared), index, connections)))
        .collect();
    let mut reported = Instant::now();
    while !tasks.iter().all(tokio::task::JoinHandle::is_finished) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if reported.elapsed() >= PROGRESS_EVERY {
            reported = Instant::now();
            progress(Progress {
                elapsed: start.elapsed(),
                done: shared.done.load(Ordering::Relaxed),
                errors: shared.errors.load(Ordering::Relaxed),
            });
        }
    }
    let mut total = Recorder::new(plan.requests.len()).map_err(invalid_histogram)?;
    for task in tasks {
        let recorder = task
            .await
            .map_err(|error| LoadError::Invalid(format!("a connection task failed: {error}")))??;
        total.merge(&recorder);
    }
    let measured = Instant::now().saturating_duration_since(shared.measured_from);
    let names: Vec<String> = plan
        .requests
        .iter()
        .map(|request| request.name.clone())
        .collect();
    Ok(total.report(&names, measured))
}

fn invalid_histogram(error: hdrhistogram::CreationError) -> LoadError {
    LoadError::Invalid(format!("latency histogram: {error}"))
}

impl Shared {
    /// The next request to send and when it is due, or `None` when the run is over.
    fn next(&self) -> Option<(u64, Instant)> {
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        if self.plan.count.is_some_and(|count| ticket >= count) {
            return None;
        }
        let due = match self.plan.load {
            Load::Closed { .. } => Instant::now(),
            Load::Open { rate, .. } => self.start + open_offset(ticket, rate, self.plan.ramp_up),
        };
        if self.end.is_some_and(|end| due >= end) {
            return None;
        }
        Some((ticket, due))
    }

    /// The request of the scenario for `ticket`, by weight (spread evenly over tickets).
    fn pick(&self, ticket: u64) -> usize {
        let total = self.weights.last().copied().unwrap_or(1).max(1);
        let point = mix(ticket) % total;
        self.weights
            .partition_point(|&cumulative| cumulative <= point)
    }

    fn request(
        &self,
        index: usize,
        ticket: u64,
        rng: &mut fastrand::Rng,
    ) -> Option<Request<Full<Bytes>>> {
        let spec = &self.plan.requests[index];
        let prepared = &self.prepared[index];
        let path = spec.path.fill(ticket, rng);
        let body = spec
            .body
            .as_ref()
            .map(|body| Bytes::from(body.fill(ticket, rng)))
            .unwrap_or_default();
        let mut builder = Request::builder()
            .method(prepared.method.clone())
            .uri(path)
            .header(HOST, self.host.clone());
        for (name, value) in &prepared.headers {
            builder = builder.header(name, value);
        }
        builder.body(Full::new(body)).ok()
    }
}

/// When ticket `ticket` is due, from the start: the rate climbs linearly to `rate` over
/// `ramp` (so `rate·t²/2·ramp` requests are due by time `t` within it), then stays.
fn open_offset(ticket: u64, rate: f64, ramp: Duration) -> Duration {
    let ticket = ticket as f64;
    let ramp = ramp.as_secs_f64();
    let during_ramp = rate * ramp / 2.0;
    let seconds = if ticket < during_ramp {
        (2.0 * ramp * ticket / rate).sqrt()
    } else {
        ramp + (ticket - during_ramp) / rate
    };
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

/// A 64-bit mix (splitmix64's finaliser): consecutive tickets land far apart.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

async fn connection(
    shared: Arc<Shared>,
    index: usize,
    connections: usize,
) -> Result<Recorder, LoadError> {
    let mut recorder = Recorder::new(shared.plan.requests.len()).map_err(invalid_histogram)?;
    let mut rng = fastrand::Rng::with_seed(shared.plan.seed ^ mix(index as u64));
    let open = matches!(shared.plan.load, Load::Open { .. });
    if !open && !shared.plan.ramp_up.is_zero() {
        // Closed model: connections join one by one over the ramp-up.
        let delay = shared
            .plan
            .ramp_up
            .mul_f64(index as f64 / connections as f64);
        tokio::time::sleep(delay).await;
    }
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    while let Some((ticket, due)) = shared.next() {
        if open {
            tokio::time::sleep_until(due.into()).await;
        }
        let request = shared.pick(ticket);
        let sent = Instant::now();
        let outcome = tokio::time::timeout(
            shared.plan.timeout,
            exchange(&shared, &mut sender, request, ticket, &mut rng),
        )
        .await
        .unwrap_or(Outcome::Timeout);
        // Open model: from when it was due, so waiting for a free connection counts.
        let from = if open { due } else { sent };
        if !matches!(outcome, Outcome::Answered { .. }) {
            sender = None;
            shared.errors.fetch_add(1, Ordering::Relaxed);
        }
        if from >= shared.measured_from {
            recorder.record(request, outcome, from.elapsed());
        }
        shared.done.fetch_add(1, Ordering::Relaxed);
        if matches!(outcome, Outcome::Connect) {
            tokio::time::sleep(CONNECT_BACKOFF).await;
        }
    }
    Ok(recorder)
}

/// Sends request `index` on the connection (opening it first when there is none, or the
/// server closed it) and reads the whole answer.
async fn exchange(
    shared: &Shared,
    sender: &mut Option<SendRequest<Full<Bytes>>>,
    index: usize,
    ticket: u64,
    rng: &mut fastrand::Rng,
) -> Outcome {
    // A connection the server closed after its last answer is not an error: open another.
    if let Some(open) = sender.as_mut()
        && (open.is_closed() || open.ready().await.is_err())
    {
        *sender = None;
    }
    let ready = match sender {
        Some(ready) => ready,
        None => match connect(shared).await {
            Some(opened) => sender.insert(opened),
            None => return Outcome::Connect,
        },
    };
    let Some(request) = shared.request(index, ticket, rng) else {
        return Outcome::Io;
    };
    let Ok(response) = ready.send_request(request).await else {
        return Outcome::Io;
    };
    let status = response.status().as_u16();
    // Read the body to its end (and drop it): the answer is whole only then.
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        if frame.is_err() {
            return Outcome::Io;
        }
    }
    let expect = &shared.plan.requests[index].expect;
    let expected = if expect.is_empty() {
        (200..400).contains(&status)
    } else {
        expect.contains(&status)
    };
    Outcome::Answered { status, expected }
}

async fn connect(shared: &Shared) -> Option<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(shared.plan.target).await.ok()?;
    // Small requests and answers: no waiting for more bytes to fill a packet.
    stream.set_nodelay(true).ok()?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    Some(sender)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{mix, open_offset};

    #[test]
    fn the_open_schedule_ramps_then_holds_the_rate() {
        let second = |ticket| open_offset(ticket, 100.0, Duration::from_secs(2)).as_secs_f64();
        // 100/s after a 2 s ramp: 100 requests due during the ramp, then one every 10 ms.
        assert!((second(100) - 2.0).abs() < 1e-9);
        assert!((second(200) - 3.0).abs() < 1e-9);
        assert!((second(25) - 1.0).abs() < 1e-9);
        let flat = open_offset(50, 100.0, Duration::ZERO).as_secs_f64();
        assert!((flat - 0.5).abs() < 1e-9);
    }

    #[test]
    fn tickets_spread_over_weights() {
        let weights = [3_u64, 4];
        let mut counts = [0; 2];
        for ticket in 0..10_000 {
            let point = mix(ticket) % 4;
            counts[weights.partition_point(|&cumulative| cumulative <= point)] += 1;
        }
        assert!((7_000..8_000).contains(&counts[0]), "{counts:?}");
    }
}

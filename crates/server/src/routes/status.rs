//! The evaluation: the status now or at any earlier log size, and the daily
//! report of any day, from the engine.

use std::collections::BTreeMap;
use std::sync::Arc;

use accord::evaluate::Status;
use accord_engine::{ReplayOptions, SignatureCheck};
use accord_report::pdf::Chromium;
use accord_report::{Lang, Links, Report, Span};
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tokio::sync::{Semaphore, oneshot};

use super::App;
use crate::admission::Job;
use crate::app::AppState;
use crate::problem::Problem;

fn unknown_params(q: &BTreeMap<String, String>, allowed: &[&str]) -> Result<(), Problem> {
    if let Some(k) = q.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Problem::bad_request(
            "parameter",
            format!(
                "unknown parameter {k:?}; this route takes: {}",
                allowed.join(", ")
            ),
        )
        .with("parameter", k.clone()));
    }
    Ok(())
}

/// The status: phase, relief, guarantees, clause by clause and party by
/// party, with what each verdict rests on.
#[utoipa::path(get, path = "/v1/status", tag = "evaluation",
    params(
        ("size" = Option<u64>, Query, description = "The log size to evaluate at (default: the latest checkpoint's)"),
        ("format" = Option<String>, Query, description = "`json` (default) or `text`")),
    responses(
        (status = 200, description = "The status (its `log_size` says which prefix of the log it is of)", body = Object),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A size beyond the checkpoint", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy: another replay is running", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    axum::extract::State(app): App,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Response, Problem> {
    unknown_params(&q, &["size", "format"])?;
    let text = match q.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("text") => true,
        Some(f) => {
            return Err(
                Problem::bad_request("format", format!("format {f:?}: use json or text"))
                    .with("parameter", "format"),
            );
        }
    };
    let durable = app.live.durable();
    let size = match q.get("size") {
        None => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            Problem::bad_request(
                "size",
                format!("size {s:?} is not a log size (a whole number)"),
            )
            .with("parameter", "size")
        })?),
    };
    let status: Arc<Status> = match size {
        Some(n) if n > durable.size => {
            return Err(Problem::not_found(format!(
                "the log has {} entries; there is no status at size {n}",
                durable.size
            )));
        }
        Some(n) if app.live.status().is_none_or(|s| s.size != n) => status_at(&app, n).await?,
        _ => match app.live.status() {
            Some(s) => s.status,
            None => return Err(Problem::busy("the status is being computed", 1)),
        },
    };
    if text {
        let t = accord_engine::text::status(app.agreement, &status);
        return Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], t).into_response());
    }
    Ok((
        [(header::CACHE_CONTROL, "no-cache")],
        axum::Json(status.as_ref().clone()),
    )
        .into_response())
}

/// The status at an earlier size: the log replayed up to it (one replay
/// at a time; the rest wait briefly or are told to come back).
async fn status_at(app: &Arc<AppState>, size: u64) -> Result<Arc<Status>, Problem> {
    let permit = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        app.replays.clone().acquire_owned(),
    )
    .await
    .map_err(|_| Problem::busy("another replay is running; try again shortly", 5))?
    .map_err(|_| Problem::busy("shutting down", 5))?;
    let a = app.clone();
    let r = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let source = a.source();
        let log = accord_engine::verify_log(&source, &a.verifier, &[], None)
            .map_err(|e| Problem::internal(format!("the log does not verify: {e}")))?;
        let opts = ReplayOptions {
            check: SignatureCheck::Batch,
            progress: None,
        };
        accord_engine::replay::status_at(&a.versions, &source, &log, size, &opts)
            .map_err(|e| Problem::internal(format!("the replay failed: {e}")))
    })
    .await
    .map_err(|e| Problem::internal(format!("the replay failed: {e}")))??;
    r.map(Arc::new)
        .ok_or_else(|| Problem::not_found(format!("no status at size {size}")))
}

/// How many PDFs the server prints at once: each is a headless Chromium.
const PRINTS_AT_ONCE: usize = 2;
/// How long one may take.
const PDF_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);
static PRINTING: std::sync::OnceLock<Arc<Semaphore>> = std::sync::OnceLock::new();

/// The report of a day (the reporting period that ends that day), or of
/// the week or month ending with it, from the log as it stands, in English,
/// Ukrainian or Russian, as HTML, Markdown or its model in JSON.
#[utoipa::path(get, path = "/v1/report/{day}", tag = "evaluation",
    params(("day" = String, Path, description = "The day, YYYY-MM-DD: the report's last reporting period"),
        ("format" = Option<String>, Query, description = "`html` (default), `md`, `json` (the report's model) or `pdf` (the HTML printed by the server's headless Chromium)"),
        ("lang" = Option<String>, Query, description = "`en` (default), `uk` or `ru`"),
        ("period" = Option<String>, Query, description = "`day` (default), `week` (the 7 reporting periods ending with the day) or `month` (the calendar month to the day)")),
    responses(
        (status = 200, description = "The report, every figure linked to its entries", body = String, content_type = "text/html"),
        (status = 400, description = "Not a day, or a bad format, language or period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A period the log has not seen the end of, or before the adoption", body = Problem, content_type = "application/problem+json"),
        (status = 501, description = "PDF asked of a server with no Chromium", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy (PDFs are printed a few at a time)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report(
    axum::extract::State(app): App,
    Path(day): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Response, Problem> {
    unknown_params(&q, &["format", "lang", "period"])?;
    let day: Date = day.parse().map_err(|e| {
        Problem::bad_request("day", format!("{day:?} is not a day (YYYY-MM-DD): {e}"))
            .with("parameter", "day")
    })?;
    #[derive(PartialEq)]
    enum Form {
        Html,
        Md,
        Json,
        Pdf,
    }
    let form = match q.get("format").map(String::as_str) {
        None | Some("html") => Form::Html,
        Some("md") | Some("markdown") => Form::Md,
        Some("json") => Form::Json,
        Some("pdf") => Form::Pdf,
        Some(f) => {
            return Err(Problem::bad_request(
                "format",
                format!("format {f:?}: use html, md, json or pdf"),
            )
            .with("parameter", "format"));
        }
    };
    // Whether a PDF can be printed, and a place to print it, before the
    // replay is asked for: Chromium is heavy, so only a few print at once.
    let printing = if form == Form::Pdf {
        let chromium = Chromium::find().map_err(|e| {
            Problem::new(
                StatusCode::NOT_IMPLEMENTED,
                "no-pdf",
                "PDF is not available on this server",
                format!("{e}; ask for format=html and print it"),
            )
        })?;
        let permit = PRINTING
            .get_or_init(|| Arc::new(Semaphore::new(PRINTS_AT_ONCE)))
            .clone()
            .try_acquire_owned()
            .map_err(|_| {
                Problem::busy("the server is printing other reports; try again shortly", 5)
            })?;
        Some((chromium, permit))
    } else {
        None
    };
    let lang: Lang = match q.get("lang") {
        None => Lang::En,
        Some(l) => l.parse().map_err(|_| {
            Problem::bad_request("lang", format!("lang {l:?}: use en, uk or ru"))
                .with("parameter", "lang")
        })?,
    };
    let span: Span = match q.get("period") {
        None => Span::Day,
        Some(p) => p
            .parse()
            .map_err(|e: String| Problem::bad_request("period", e).with("parameter", "period"))?,
    };
    let (tx, rx) = oneshot::channel();
    let agreement = app.agreement;
    let job = Job::Read(Box::new(move |ev| {
        let _ = agreement;
        let report = Report::build(ev, day, span);
        // Say only what is known: a period the log has not seen the end
        // of would read as quiet.
        let answer = match report.header.adopted {
            None => Err(Problem::not_found(
                "the log holds no adoption: there is nothing to report",
            )),
            Some(adopted) if report.header.period.end > ev.state.clock.unwrap_or(adopted) => {
                Err(Problem::not_found(format!(
                    "the period of {day} ends at {}, after the log's clock ({}); the last complete period is {}",
                    report.header.period.end,
                    ev.state.clock.unwrap_or(adopted),
                    ev.state
                        .done
                        .map_or_else(|| "none".to_string(), |d| d.to_string())
                )))
            }
            Some(adopted) if report.header.period.end <= adopted => Err(Problem::not_found(
                format!("the period of {day} ended before the agreement was adopted ({adopted})"),
            )),
            Some(_) => Ok((report, ev.state.size)),
        };
        let _ = tx.send(answer);
    }));
    app.admission
        .jobs
        .try_send(job)
        .map_err(|_| Problem::busy("the server is busy; try again shortly", 1))?;
    let (mut report, size) = rx
        .await
        .map_err(|_| Problem::busy("the server is shutting down", 5))??;
    // What the report counts is durable before it is shown.
    let d = app
        .live
        .durable_at_least(size)
        .await
        .ok_or_else(|| Problem::busy("the server is shutting down", 5))?;
    // The evaluator keeps no notes: each entry says whether it is
    // simulated, and the report marks it.
    let mut reader = tlog::client::TileReader::new(app.source());
    for &i in &report.cited {
        if i < d.size
            && let Ok(e) = reader.entry(d.size, i)
            && accord::statement::SignedStatement::parse(&e)
                .is_ok_and(|s| accord_report::says_simulated(&s.statement))
        {
            report.sources.simulated.insert(i);
        }
    }
    report.header.root = Some(d.root.to_string());
    let links = Links {
        dir: "/v1/proof".into(),
    };
    let (body, ct) = match form {
        Form::Html => (
            report.html(app.agreement, lang, &links),
            "text/html; charset=utf-8",
        ),
        Form::Md => (
            report.markdown(app.agreement, lang, &links),
            "text/markdown; charset=utf-8",
        ),
        Form::Json => (report.json(), "application/json"),
        Form::Pdf => {
            let (chromium, permit) = printing.expect("checked above");
            let html = report.html(app.agreement, lang, &links);
            let pdf = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let dir = tempfile::tempdir()?;
                let out = dir.path().join("report.pdf");
                chromium
                    .print_html(&html, &out, PDF_TIME_LIMIT)
                    .map_err(std::io::Error::other)?;
                std::fs::read(&out)
            })
            .await
            .map_err(|e| Problem::internal(format!("printing the PDF: {e}")))?
            .map_err(|e| Problem::internal(format!("printing the PDF: {e}")))?;
            return Ok((
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/pdf")],
                pdf,
            )
                .into_response());
        }
    };
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, ct)], body).into_response())
}

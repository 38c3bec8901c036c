//! The `evidence:` URI scheme: the window's viewer loads attached files from
//! `evidence://localhost/<sha256>` (`http://evidence.localhost/<sha256>` on Windows). What is
//! served is decided by [`casedesk_app::EvidenceServer`] (by hash only, only the cache's own
//! evidence, with ranges); this module only turns its answer into HTTP.

use std::sync::Mutex;

use casedesk_app::{EvidenceServer, Served};
use tauri::http::{header, Method, Request, Response};
use tauri::{UriSchemeContext, UriSchemeResponder, Wry};

pub const SCHEME: &str = "evidence";

/// The scheme's handler: each request is answered on a blocking thread, so reading a large PDF
/// never holds the window's event loop.
pub fn handler(
    server: EvidenceServer,
) -> impl Fn(UriSchemeContext<'_, Wry>, Request<Vec<u8>>, UriSchemeResponder) + Send + Sync + 'static
{
    let server = std::sync::Arc::new(Mutex::new(server));
    move |_ctx, request, responder| {
        let server = std::sync::Arc::clone(&server);
        tauri::async_runtime::spawn_blocking(move || {
            responder.respond(respond(&server, &request));
        });
    }
}

fn respond(server: &Mutex<EvidenceServer>, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    // pdf.js reads with fetch from the page's origin: a preflight gets the CORS answer only.
    if request.method() == Method::OPTIONS {
        return to_http(Served {
            status: 204,
            content_type: "text/plain",
            content_range: None,
            body: Vec::new(),
        });
    }
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let served = match server.lock() {
        Ok(s) => s.answer(request.uri().path(), range),
        Err(_) => Served {
            status: 500,
            content_type: "text/plain",
            content_range: None,
            body: Vec::new(),
        },
    };
    to_http(served)
}

fn to_http(served: Served) -> Response<Vec<u8>> {
    let mut b = Response::builder()
        .status(served.status)
        .header(header::CONTENT_TYPE, served.content_type)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        // Bytes named by their hash never change.
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        // Only this app's webview can reach the scheme; its page's origin differs by platform.
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "Range")
        .header(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            "Accept-Ranges, Content-Range, Content-Length",
        );
    if let Some(range) = served.content_range {
        b = b.header(header::CONTENT_RANGE, range);
    }
    b.body(served.body).unwrap_or_else(|_| {
        let mut r = Response::new(Vec::new());
        *r.status_mut() = tauri::http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

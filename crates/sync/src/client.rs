//! [`HubClient`]: one hub, its base URL and the current tokens. Every authenticated call that
//! gets a 401 refreshes once (the refresh token is single use, so the new pair replaces the old
//! at once and [`HubClient::take_refreshed`] tells the caller to save it) and retries once.

use std::time::Duration;

use casedesk_wire::{
    ErrorBody, LoginRequest, Mutation, MutationResult, PullResponse, PushRequest, PushResponse,
    RefreshRequest, TokenResponse, API_PREFIX, MAX_PUSH_BATCH,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::SyncError;

/// What the desk keeps between runs (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl From<&TokenResponse> for Tokens {
    fn from(t: &TokenResponse) -> Tokens {
        Tokens {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
        }
    }
}

/// A hub that is not answering should not hold the officer for minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

pub struct HubClient {
    base: String,
    http: reqwest::Client,
    tokens: Option<Tokens>,
    refreshed: bool,
}

impl HubClient {
    /// A client for the hub at `base_url` (`http://` or `https://`, without `/api/v1`).
    pub fn new(base_url: &str) -> Result<HubClient, SyncError> {
        let base = normalize_url(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| SyncError::Protocol(format!("cannot set up HTTP: {e}")))?;
        Ok(HubClient {
            base,
            http,
            tokens: None,
            refreshed: false,
        })
    }

    /// A client for the same hub with the same tokens but its own connections: for work on
    /// another thread and runtime (a connection belongs to the runtime that opened it).
    pub fn detached(&self) -> Result<HubClient, SyncError> {
        let mut c = HubClient::new(&self.base)?;
        c.tokens = self.tokens.clone();
        Ok(c)
    }

    /// Takes the pair another client (a [`HubClient::detached`] one) was given by a refresh;
    /// [`HubClient::take_refreshed`] then tells the caller to save it.
    pub fn adopt_refreshed(&mut self, tokens: Tokens) {
        self.tokens = Some(tokens);
        self.refreshed = true;
    }

    pub fn with_tokens(mut self, tokens: Tokens) -> HubClient {
        self.tokens = Some(tokens);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn tokens(&self) -> Option<&Tokens> {
        self.tokens.as_ref()
    }

    /// True once after the tokens were refreshed: the caller must save the new pair (the old
    /// refresh token no longer works).
    pub fn take_refreshed(&mut self) -> bool {
        std::mem::take(&mut self.refreshed)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    fn offline(&self, e: &reqwest::Error) -> SyncError {
        SyncError::Offline {
            url: self.base.clone(),
            reason: e.to_string(),
        }
    }

    pub(crate) async fn send(&self, req: RequestBuilder) -> Result<Response, SyncError> {
        // Connecting, timing out, or losing the connection mid-answer: all "try again later".
        req.send().await.map_err(|e| self.offline(&e))
    }

    /// Logs in; keeps and returns the tokens.
    pub async fn login(
        &mut self,
        username: &str,
        password: &str,
        device_id: &str,
    ) -> Result<TokenResponse, SyncError> {
        let body = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
            device_id: device_id.to_string(),
        };
        let r = self
            .send(self.http.post(self.url("/login")).json(&body))
            .await?;
        if r.status() == StatusCode::UNAUTHORIZED {
            let e = error_body(r).await;
            return Err(SyncError::BadCredentials {
                message_zh: e.message_zh,
                message_en: e.message_en,
            });
        }
        let t: TokenResponse = self.read(r).await?;
        self.tokens = Some(Tokens::from(&t));
        Ok(t)
    }

    /// Trades the refresh token for a new pair.
    async fn refresh(&mut self) -> Result<(), SyncError> {
        let Some(tokens) = &self.tokens else {
            return Err(SyncError::Unauthorized);
        };
        let body = RefreshRequest {
            refresh_token: tokens.refresh_token.clone(),
        };
        let r = self
            .send(self.http.post(self.url("/refresh")).json(&body))
            .await?;
        if r.status() == StatusCode::UNAUTHORIZED {
            self.tokens = None;
            return Err(SyncError::Unauthorized);
        }
        let t: TokenResponse = self.read(r).await?;
        self.tokens = Some(Tokens::from(&t));
        self.refreshed = true;
        Ok(())
    }

    /// An authenticated call: on 401, refresh once and try once more.
    pub(crate) async fn authed<B: Serialize, T: DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, SyncError> {
        for attempt in 0..2 {
            let Some(tokens) = &self.tokens else {
                return Err(SyncError::Unauthorized);
            };
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(&tokens.access_token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let r = self.send(req).await?;
            if r.status() == StatusCode::UNAUTHORIZED {
                if attempt == 0 {
                    self.refresh().await?;
                    continue;
                }
                return Err(SyncError::Unauthorized);
            }
            return self.read(r).await;
        }
        Err(SyncError::Unauthorized)
    }

    /// An authenticated request built by `build` for the access token: on 401, refresh once and
    /// build it again. Any other answer is returned as it is.
    pub(crate) async fn authed_response(
        &mut self,
        build: impl Fn(&reqwest::Client, &str) -> RequestBuilder,
    ) -> Result<Response, SyncError> {
        for attempt in 0..2 {
            let Some(tokens) = &self.tokens else {
                return Err(SyncError::Unauthorized);
            };
            let r = self.send(build(&self.http, &tokens.access_token)).await?;
            if r.status() != StatusCode::UNAUTHORIZED {
                return Ok(r);
            }
            if attempt == 0 {
                self.refresh().await?;
            }
        }
        Err(SyncError::Unauthorized)
    }

    /// Sends up to [`MAX_PUSH_BATCH`] mutations; one result per mutation, in order, checked.
    pub async fn push(&mut self, mutations: &[Mutation]) -> Result<Vec<MutationResult>, SyncError> {
        if mutations.len() > MAX_PUSH_BATCH {
            return Err(SyncError::Protocol(format!(
                "a push carries at most {MAX_PUSH_BATCH} mutations, not {}",
                mutations.len()
            )));
        }
        let body = PushRequest {
            mutations: mutations.to_vec(),
        };
        let r: PushResponse = self.authed(Method::POST, "/push", Some(&body)).await?;
        if r.results.len() != mutations.len()
            || r.results
                .iter()
                .zip(mutations)
                .any(|(r, m)| r.mutation_id() != m.mutation_id)
        {
            return Err(SyncError::Protocol(format!(
                "{} results for {} mutations, or not in their order",
                r.results.len(),
                mutations.len()
            )));
        }
        Ok(r.results)
    }

    /// One page of changes after `after`.
    pub async fn pull(
        &mut self,
        after: i64,
        limit: Option<u32>,
    ) -> Result<PullResponse, SyncError> {
        let path = match limit {
            Some(l) => format!("/changes?after={after}&limit={l}"),
            None => format!("/changes?after={after}"),
        };
        let page: PullResponse = self.authed::<(), _>(Method::GET, &path, None).await?;
        if page.has_more && page.next_checkpoint <= after {
            return Err(SyncError::Protocol(format!(
                "the hub says more changes follow but the checkpoint stays at {after}"
            )));
        }
        let mut last = after;
        for c in &page.changes {
            if c.seq() <= last {
                return Err(SyncError::Protocol(format!(
                    "change {} is not after {last}",
                    c.seq()
                )));
            }
            last = c.seq();
        }
        if page.next_checkpoint < last {
            return Err(SyncError::Protocol(format!(
                "the next checkpoint {} is before change {last}",
                page.next_checkpoint
            )));
        }
        Ok(page)
    }

    /// A 2xx answer's body, or the hub's error as [`SyncError::Refused`].
    pub(crate) async fn read<T: DeserializeOwned>(&self, r: Response) -> Result<T, SyncError> {
        let status = r.status();
        if status.is_success() {
            let bytes = r.bytes().await.map_err(|e| self.offline(&e))?;
            return serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::Protocol(format!("{status}: {e}")));
        }
        let retry_after = r
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let e = error_body(r).await;
        Err(SyncError::Refused {
            status: status.as_u16(),
            code: e.code,
            message_zh: e.message_zh,
            message_en: e.message_en,
            retry_after,
        })
    }
}

/// The hub's `ErrorBody`, or one made from the status when the body is not one (a proxy's page).
async fn error_body(r: Response) -> ErrorBody {
    let status = r.status();
    let bytes = r.bytes().await.unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or_else(|_| ErrorBody {
        code: format!("http_{}", status.as_u16()),
        message_zh: format!("服务器返回 {status}"),
        message_en: format!("the hub answered {status}"),
    })
}

/// `http(s)://host[:port][/prefix]` without a trailing slash.
fn normalize_url(url: &str) -> Result<String, SyncError> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.chars().any(char::is_whitespace) => {
            Ok(url.to_string())
        }
        _ => Err(SyncError::Refused {
            status: 0,
            code: "bad_url".into(),
            message_zh: format!("服务器地址 {url} 无效，应为 http:// 或 https:// 开头"),
            message_en: format!("the hub address {url} is not an http:// or https:// URL"),
            retry_after: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_trimmed() {
        assert_eq!(
            normalize_url(" http://127.0.0.1:8740/ ").ok().as_deref(),
            Some("http://127.0.0.1:8740")
        );
        assert!(normalize_url("ftp://x").is_err());
        assert!(normalize_url("http://").is_err());
        assert!(normalize_url("127.0.0.1:8740").is_err());
    }

    #[test]
    fn a_closed_port_is_offline() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // Bind and drop a listener: the port is (almost certainly) closed right after.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let mut c = HubClient::new(&format!("http://127.0.0.1:{port}")).expect("client");
        let e = rt
            .block_on(c.login("u", "p", "d"))
            .expect_err("no hub there");
        assert!(matches!(e, SyncError::Offline { .. }), "{e:?}");
        assert!(e.is_transient());
    }
}

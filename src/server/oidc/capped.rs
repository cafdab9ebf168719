//! HTTP to providers: no redirects (they would open the server to request forgery), short time
//! limits (a slow provider cannot hold a request for long) and capped answers (a provider
//! cannot make the server buffer an endless one).

use std::time::Duration;

use openidconnect::reqwest;
use serde_json::Value;

/// The most a provider's answer (discovery, keys, token response) may weigh.
const MAX_ANSWER_BYTES: usize = 512 * 1024;

pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
}

/// Why a capped request failed.
#[derive(Debug, thiserror::Error)]
pub enum CappedError {
    #[error("{0}")]
    Request(#[from] reqwest::Error),
    #[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    #[error("{0}")]
    Http(#[from] openidconnect::http::Error),
}

/// Reads an answer's body, refusing it as soon as it passes [`MAX_ANSWER_BYTES`].
async fn capped_body(mut response: reqwest::Response) -> Result<Vec<u8>, CappedError> {
    if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Err(CappedError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(CappedError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// One request for the `openidconnect` crate, with a capped answer.
pub async fn capped_call(
    http: reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, CappedError> {
    let response = http.execute(request.try_into()?).await?;
    let mut answer = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    Ok(answer.body(capped_body(response).await?)?)
}

/// GETs one JSON document, with the reason in plain words when it fails.
pub async fn fetch_json(http: &reqwest::Client, url: &str) -> Result<Value, String> {
    let response = http.get(url).header("Accept", "application/json").send().await.map_err(|e| {
        if e.is_timeout() {
            format!("{url} did not answer in time (unreachable).")
        } else {
            format!("{url} is unreachable: {}", root_cause(&e))
        }
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{url} answered HTTP {status}."));
    }
    let bytes = capped_body(response).await.map_err(|e| format!("{url}: {e}."))?;
    serde_json::from_slice(&bytes).map_err(|_| format!("{url} did not answer with JSON."))
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

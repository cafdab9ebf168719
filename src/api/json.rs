//! `ApiJson`: the JSON body extractor of the REST API. Unlike axum's `Json`, every rejection
//! is a structured body: a wrong or missing content type is 415, and malformed JSON or a body
//! of the wrong shape is 422 with `loc` pointing at the problem.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header::CONTENT_TYPE},
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{
    error::{ApiError, ValidationProblem},
    objects_only::ObjectsOnly,
};

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok())) {
            return Err(ApiError::status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "Expected a request body with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let code =
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE { "PAYLOAD_TOO_LARGE" } else { "BAD_REQUEST" };
            ApiError::status(rejection.status(), code, rejection.body_text())
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// `loc` should be a JSON object and is not.
fn not_an_object(loc: Vec<Value>) -> ValidationProblem {
    ValidationProblem {
        loc,
        msg: "Input should be a JSON object".to_owned(),
        kind: "model_attributes_type".to_owned(),
        input: Value::Null,
        ctx: json!({}),
    }
}

fn is_json_content_type(value: Option<&str>) -> bool {
    let Some(value) = value else { return false };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Parses a body (a JSON object), describing failures the way the 422 body does.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde fills a struct from an array too, in field order: `[null, null]` would pass for a
    // body of two optional fields. Every body is an object.
    let starts_as_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !starts_as_object && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        return Err(ApiError::Unprocessable(vec![not_an_object(vec![json!("body")])]));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(ObjectsOnly(deserializer)).map_err(|error| {
        let inner = error.inner();
        let problem = if inner.is_syntax() || inner.is_eof() {
            ValidationProblem {
                loc: vec![json!("body"), json!(inner.column())],
                msg: "JSON decode error".to_owned(),
                kind: "json_invalid".to_owned(),
                input: json!({}),
                ctx: json!({ "error": inner.to_string() }),
            }
        } else {
            let mut loc = vec![json!("body")];
            loc.extend(error.path().iter().filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(json!(index)),
                serde_path_to_error::Segment::Map { key } => Some(json!(key)),
                serde_path_to_error::Segment::Enum { variant } => Some(json!(variant)),
                serde_path_to_error::Segment::Unknown => None,
            }));
            let message = inner.to_string();
            if let Some((field, known)) = unknown_field(&message) {
                return ApiError::Unprocessable(vec![extra_forbidden(loc, field, "field", &known)]);
            }
            // A struct given as an array (see `objects_only`), said as the top level says it.
            if message.starts_with("invalid type: sequence, expected struct") {
                return ApiError::Unprocessable(vec![not_an_object(loc)]);
            }
            match missing_field(&message) {
                Some(field) => {
                    loc.push(json!(field));
                    ValidationProblem {
                        loc,
                        msg: "Field required".to_owned(),
                        kind: "missing".to_owned(),
                        input: Value::Null,
                        ctx: json!({}),
                    }
                }
                None => ValidationProblem {
                    loc,
                    msg: strip_position(&message),
                    kind: "type_error".to_owned(),
                    input: Value::Null,
                    ctx: json!({}),
                },
            }
        };
        ApiError::Unprocessable(vec![problem])
    })
}

/// serde reports a missing field only in its message: "missing field `name` at line 1 column 2".
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// serde names a field it does not know, and those it does, only in its message: "unknown
/// field `page`, expected one of `limit`, `cursor`" (or ", there are no fields").
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let known = rest.strip_prefix(", expected one of ").or_else(|| rest.strip_prefix(", expected "));
    let known = known.map(|list| list.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
    Some((field, known))
}

/// A field the request may not carry: refused by name, never ignored (a client whose `page`
/// were dropped would see the first page only, and never know).
fn extra_forbidden(mut loc: Vec<Value>, field: &str, what: &str, known: &[&str]) -> ValidationProblem {
    // serde's path may already end at the field.
    if loc.last() != Some(&json!(field)) {
        loc.push(json!(field));
    }
    let msg = match known {
        [] => format!("Unknown {what} `{field}`: this endpoint takes none"),
        known => format!("Unknown {what} `{field}`: this endpoint takes {}", known.join(", ")),
    };
    ValidationProblem { loc, msg, kind: "extra_forbidden".to_owned(), input: Value::Null, ctx: json!({}) }
}

fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// The query of an endpoint that takes no parameter: any is refused by name.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// `ApiQuery`: the query-string extractor of the REST API; a malformed query, or a parameter
/// the endpoint does not take, is a 422 body.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(ApiQuery).map_err(|error| {
            // The field at fault, when serde knows it: `["query", "limit"]`.
            let mut loc = vec![json!("query")];
            loc.extend(error.path().iter().filter_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(json!(key)),
                _ => None,
            }));
            let message = error.inner().to_string();
            if let Some((field, known)) = unknown_field(&message) {
                return ApiError::Unprocessable(vec![extra_forbidden(loc, field, "query parameter", &known)]);
            }
            if let Some(field) = missing_field(&message) {
                loc.push(json!(field));
            }
            ApiError::Unprocessable(vec![ValidationProblem {
                loc,
                msg: strip_position(&message),
                kind: "query_invalid".to_owned(),
                input: Value::Null,
                ctx: json!({}),
            }])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        tags: Vec<u32>,
    }

    fn problem(bytes: &[u8]) -> ValidationProblem {
        match parse::<Body>(bytes) {
            Err(ApiError::Unprocessable(mut problems)) => problems.remove(0),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn a_body_must_be_an_object_not_an_array_in_field_order() {
        for body in [&b"[\"x\", [1]]"[..], b" [null, null]", b"\"x\"", b"3"] {
            let p = problem(body);
            assert_eq!((p.loc, p.kind.as_str()), (vec![json!("body")], "model_attributes_type"), "{body:?}");
        }
        assert_eq!(problem(b"nope").kind, "json_invalid", "what is not JSON is still named as such");
    }

    #[test]
    fn accepts_json_content_types_only() {
        assert!(is_json_content_type(Some("application/json")));
        assert!(is_json_content_type(Some("application/json; charset=utf-8")));
        assert!(is_json_content_type(Some("application/merge-patch+json")));
        assert!(!is_json_content_type(Some("text/plain")));
        assert!(!is_json_content_type(None));
    }

    #[test]
    fn malformed_json_is_json_invalid() {
        let p = problem(b"{\"name\": ");
        assert_eq!(p.kind, "json_invalid");
        assert_eq!(p.loc[0], json!("body"));
    }

    #[test]
    fn missing_field_is_located() {
        let p = problem(b"{\"tags\": []}");
        assert_eq!(p.kind, "missing");
        assert_eq!(p.loc, vec![json!("body"), json!("name")]);
    }

    #[test]
    fn wrong_type_is_located_inside_arrays() {
        let p = problem(b"{\"name\": \"x\", \"tags\": [1, \"two\"]}");
        assert_eq!(p.kind, "type_error");
        assert_eq!(p.loc, vec![json!("body"), json!("tags"), json!(1)]);
    }
}

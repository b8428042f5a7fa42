//! The browser module's operations (`tinnhiem_wasm::api::call`): every
//! request the page sends is outside input (a page can be altered, a file
//! the member loads can be anything). Whatever the op and bytes, `call`
//! must not panic; its answer is JSON, an error is `{"error": text}`, and
//! an error never repeats a secret the request carried (a credential, a
//! key share, a seed).

use serde_json::Value;

/// Request members whose value is a secret (`api.rs`, the module's
/// documentation).
const SECRET_FIELDS: [&str; 5] = ["credential", "secret", "seed", "key_share", "trustee_key"];

/// One call: the first byte picks the op (0 and 32, past the last, are
/// unknown ops), the rest is the request.
pub fn check_call(data: &[u8]) {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    let op = u32::from(first % 33);
    match tinnhiem_wasm::api::call(op, input) {
        Ok(answer) => {
            serde_json::from_slice::<Value>(&answer)
                .unwrap_or_else(|e| panic!("op {op}: the answer is not JSON: {e}"));
        }
        Err(answer) => {
            let v: Value = serde_json::from_slice(&answer)
                .unwrap_or_else(|e| panic!("op {op}: the error is not JSON: {e}"));
            let text = v
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("op {op}: an error without its text: {v}"));
            for (field, secret) in secrets(input) {
                if text.contains(&secret) {
                    // The error may hold the same characters by chance (a
                    // request can make its "secret" a piece of an error
                    // text): it is a leak only if they came from the
                    // request, i.e. go away when the secret is replaced.
                    let again = with_field(input, &field, &"#".repeat(secret.len()));
                    let other = tinnhiem_wasm::api::call(op, &again)
                        .err()
                        .unwrap_or_default();
                    assert!(
                        String::from_utf8_lossy(&other).contains(&secret),
                        "op {op}: the error repeats the request's {field}"
                    );
                }
            }
        }
    }
}

/// The secret members of a JSON request and their values, long enough to
/// mean something (a short value may appear in any text by chance).
fn secrets(input: &[u8]) -> Vec<(String, String)> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(input) else {
        return Vec::new();
    };
    SECRET_FIELDS
        .iter()
        .filter_map(|f| Some((f.to_string(), map.get(*f)?.as_str()?.to_owned())))
        .filter(|(_, s)| s.len() >= 12)
        .collect()
}

/// The request with one member's value replaced.
fn with_field(input: &[u8], field: &str, value: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(input).expect("read once already");
    v[field] = Value::String(value.to_owned());
    serde_json::to_vec(&v).expect("serializes")
}

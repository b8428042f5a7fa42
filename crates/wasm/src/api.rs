//! The operations offered to the browser, JSON in and JSON out.
//!
//! | op | name | request | answer |
//! |---|---|---|---|
//! | 1 | `encrypt_ballot` | [`EncryptRequest`] | [`EncryptAnswer`] |
//! | 2 | `credential_public` | [`CredentialRequest`] | [`CredentialAnswer`] |
//!
//! Errors are answered as `{"error": "..."}`; an error message never
//! contains the credential or any other secret.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use tinnhiem_core::ballot::{check_name, tracking_code, Ballot, Choice, ElectionContext};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::schnorr::PublicKey;

/// Operation codes of `tn_call`.
pub mod op {
    /// [`super::encrypt_ballot`].
    pub const ENCRYPT_BALLOT: u32 = 1;
    /// [`super::credential_public`].
    pub const CREDENTIAL_PUBLIC: u32 = 2;
}

/// Fill in, encrypt and sign a ballot.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptRequest {
    /// The election id (from the voter URL).
    pub election_id: String,
    /// The election hash, hex (from the server's ballot description).
    pub election_hash: String,
    /// The election key, hex.
    pub election_key: String,
    /// The credential text from the URL fragment.
    pub credential: String,
    /// One choice per candidate: `"high"`, `"confidence"`, `"low"` or null.
    pub choices: Vec<Choice>,
    /// The optional declared name (R4).
    #[serde(default)]
    pub signed_by: Option<String>,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// The encrypted ballot and its tracking code.
#[derive(Serialize)]
pub struct EncryptAnswer {
    /// The ballot, as the server takes it.
    pub ballot: Ballot,
    /// The tracking code the receipt will show.
    pub tracking: String,
}

/// Derive the public credential from the text (to check a typed code).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRequest {
    /// The election id.
    pub election_id: String,
    /// The credential text.
    pub credential: String,
}

/// The public credential.
#[derive(Serialize)]
pub struct CredentialAnswer {
    /// `C`, hex.
    pub public: String,
}

fn err(e: impl core::fmt::Display) -> String {
    e.to_string()
}

/// Encrypts and signs a ballot.
pub fn encrypt_ballot(req: EncryptRequest) -> Result<EncryptAnswer, String> {
    let election_hash = unhex_array::<32>(&req.election_hash, "election_hash").map_err(err)?;
    let key = PublicKey::from_bytes(
        &unhex_array(&req.election_key, "election_key").map_err(err)?,
        "election_key",
    )
    .map_err(err)?;
    let credential = Credential::from_text(&req.credential).map_err(err)?;
    if let Some(n) = &req.signed_by {
        check_name(n).map_err(err)?;
    }
    let mut rng = ChaCha20Rng::from_seed(unhex_array(&req.seed, "seed").map_err(err)?);
    let ctx = ElectionContext {
        election_hash,
        key,
        candidates: req.choices.len() as u32,
    };
    let ballot = Ballot::cast(
        &ctx,
        &req.election_id,
        &credential,
        &req.choices,
        req.signed_by,
        &mut rng,
    );
    let tracking = tracking_code(&ballot.digest(&ctx));
    Ok(EncryptAnswer { ballot, tracking })
}

/// The public credential of a credential text.
pub fn credential_public(req: CredentialRequest) -> Result<CredentialAnswer, String> {
    let c = Credential::from_text(&req.credential).map_err(err)?;
    Ok(CredentialAnswer {
        public: hex(c.public(&req.election_id).as_bytes()),
    })
}

/// Dispatches one call: `Ok(answer JSON)` or `Err(error JSON)`.
pub fn call(op: u32, input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    fn run<Q: for<'a> Deserialize<'a>, A: Serialize>(
        input: &[u8],
        f: fn(Q) -> Result<A, String>,
    ) -> Result<Vec<u8>, String> {
        let q: Q = serde_json::from_slice(input).map_err(|e| format!("bad request: {e}"))?;
        let a = f(q)?;
        serde_json::to_vec(&a).map_err(err)
    }
    let r = match op {
        op::ENCRYPT_BALLOT => run(input, encrypt_ballot),
        op::CREDENTIAL_PUBLIC => run(input, credential_public),
        _ => Err(format!("unknown operation {op}")),
    };
    r.map_err(|e| {
        let mut v = Vec::from(&b"{\"error\":"[..]);
        v.extend_from_slice(&serde_json::to_vec(&e).unwrap_or_default());
        v.push(b'}');
        v
    })
}

//! A script that the harness turns into a sealed log.
//!
//! The verifier checks the server's signature on every line, so a mutated
//! log almost always stops at the first changed line. Here the harness holds
//! the server key and the committee's keys (fixed, derived from constants),
//! re-seals every line (`seq`, `prev`, `server_sig`) and signs what the
//! committee would sign, so that the fuzzer explores what the log *says*:
//! phases, the threshold ceremony (dealings, complaints, `shares_ok`),
//! attendance, credentials, ballots, decryptions, the result.
//!
//! One directive a line, `KIND JSON`:
//!
//! | kind | JSON | what the harness does |
//! | --- | --- | --- |
//! | `election` | an election body (with `threshold`: a t-of-n line 0) | sets `server_key` to the harness key |
//! | `trustee_key` | a trustee key body | an all-zero `proof`: the harness trustee's real share |
//! | `election_key` | an election key body | an all-zero `key`: the sum of the harness trustees' keys, or under the threshold ceremony the qualified dealers' key |
//! | `dealing` | a dealing body | as is |
//! | `deal` | `{"dealer": i, "bad_share_to": j}` (`bad_share_to` optional) | harness trustee `i`'s real dealing for line 0's `(n, t)` to the keys in the log; with `bad_share_to`, member `j`'s share changed and the dealing signed again (a complaint by `j` is then upheld) |
//! | `complaint` | a complaint body | as is |
//! | `complain` | `{"complainer": j, "dealer": i}` | harness trustee `j`'s complaint against `i`'s dealing in the log (upheld only if the share is bad) |
//! | `shares_ok` | a statement body | an all-zero `signature` by a known signer: signed on the dealings in the log |
//! | `quorum`, `open`, `close`, `credentials`, `result` | the body | an all-zero `signature` by a known signer: signed |
//! | `result` | the body, `counts` empty and signature zero | counts from the decryptions so far |
//! | `issue` | `[i, ...]` | a `credentials` entry of the harness credentials `i`, signed by trustee 0 |
//! | `cast` | `{"cred": i, "marks": [...], "signed_by": ...}` | a ballot cast with harness credential `i` |
//! | `ballot` | a ballot body | as is |
//! | `audit` | `{"cred": i, "marks": [...], "lie": [j, "level"]}` (`lie` optional) | a ballot sealed with harness credential `i` and opened (an `audit` entry, PROTOCOL.md §6.3); with `lie`, candidate `j`'s mark is then stated as `level` (`"high"`, …, or `null`), as a page that encrypted other marks would |
//! | `audit_body` | an audit body | as is |
//! | `decryption` | a decryption body with no shares | the harness trustee's real partial decryptions (with its share `x_j` under the threshold ceremony) |
//! | `raw` | anything | the rest of the line, as a log line, unsealed |
//!
//! A directive may start with a count, `N KIND JSON`, to be done `N` times
//! (up to [`MAX_REPEAT`]). Anything else is skipped. Scripts are kept small (lines, candidates,
//! trustees, marks) so that one run stays in the milliseconds.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tinnhiem_core::ballot::{Ballot, Level, SealedBallot};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::dkg::{self, Dealing, DEALING_CONTEXT};
use tinnhiem_core::log::{
    entry_hash, AuditBody, shares_ok_message, CloseBody, ComplaintBody, CredentialsBody, DealingBody,
    DecryptionBody, ElectionBody, ElectionKeyBody, Entry, Hex, HexBytes, Payload, QuorumBody,
    ResultBody, StatementBody, TrusteeKeyBody, SHARES_OK_CONTEXT,
};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_core::trustee::{combine, TrusteeKey};
use tinnhiem_tally::Tally;

/// Most directives in one script, repeats counted (enough for more than one
/// chunk of the verifier's batches after the header).
pub const MAX_LINES: usize = 256;
/// Most repeats of one directive (`N KIND JSON`).
pub const MAX_REPEAT: usize = 100;
/// Most trustees the harness holds keys for.
pub const TRUSTEES: usize = 3;
/// Most candidates in a scripted election (a ballot costs 4 proofs each).
pub const MAX_CANDIDATES: usize = 4;
/// Most ballots cast by the harness in one script.
pub const MAX_CASTS: usize = 80;

/// The harness's server key.
pub fn server_key() -> SecretKey {
    let mut b = [0u8; 32];
    b[0] = 5;
    SecretKey::from_bytes(&b).expect("a small scalar is canonical")
}

/// The harness's trustee `i`.
pub fn trustee(i: usize) -> TrusteeKey {
    let mut b = [0u8; 32];
    b[0] = 11 + i as u8;
    TrusteeKey::from_bytes(&b).expect("a small scalar is canonical")
}

/// The harness's credential `i`.
pub fn credential(i: u8) -> Credential {
    Credential::from_seed([i; 16])
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cast {
    cred: u8,
    marks: Vec<Option<Level>>,
    #[serde(default)]
    signed_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Audit {
    cred: u8,
    marks: Vec<Option<Level>>,
    #[serde(default)]
    lie: Option<(usize, Option<Level>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deal {
    dealer: u32,
    #[serde(default)]
    bad_share_to: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Complain {
    complainer: u32,
    dealer: u32,
}

struct Harness {
    server: SecretKey,
    trustees: Vec<TrusteeKey>,
    rng: ChaCha20Rng,
    tally: Tally,
    lines: Vec<Vec<u8>>,
    casts: usize,
}

fn json<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_str(s).ok()
}

impl Harness {
    fn new() -> Self {
        Harness {
            server: server_key(),
            trustees: (0..TRUSTEES).map(trustee).collect(),
            rng: ChaCha20Rng::from_seed([3; 32]),
            tally: Tally::new(),
            lines: Vec::new(),
            casts: 0,
        }
    }

    fn hash(&self) -> [u8; 32] {
        self.tally.election_hash().unwrap_or([0; 32])
    }

    fn seal(&mut self, payload: Payload) {
        let prev = self.lines.last().map_or([0; 32], |l| entry_hash(l));
        let (_, line) = Entry::seal(
            self.lines.len() as u64,
            prev,
            payload,
            &self.server,
            &mut self.rng,
        );
        self.push_line(line);
    }

    fn push_line(&mut self, line: Vec<u8>) {
        // The harness's own view, for what it fills in; a refused line
        // leaves it behind, which only matters after the log has failed.
        let _ = self.tally.push(&line, &mut self.rng);
        self.lines.push(line);
    }

    /// The trustee keys in the log, once every member's is there.
    fn logged_keys(&self) -> Option<Vec<PublicKey>> {
        self.tally.trustee_keys().iter().copied().collect()
    }

    /// Harness trustee `d.dealer`'s dealing to the keys in the log.
    fn deal(&mut self, d: &Deal) -> Option<Payload> {
        let params = self.tally.threshold_params()?;
        let keys = self.logged_keys()?;
        let i = d.dealer as usize;
        if i >= TRUSTEES || i >= keys.len() {
            return None;
        }
        let hash = self.hash();
        let key = &self.trustees[i];
        let mut dealing = dkg::deal(&params, &hash, d.dealer, key, &keys, &mut self.rng).ok()?;
        if let Some(j) = d.bad_share_to {
            dealing.shares.get_mut(j as usize)?.ciphertext[0] ^= 1;
            let bytes = dealing.to_bytes();
            let mut msg = hash.to_vec();
            msg.extend_from_slice(&bytes[..bytes.len() - 64]);
            dealing.signature = key.sign(DEALING_CONTEXT, &msg, &mut self.rng);
        }
        Some(Payload::Dealing(DealingBody {
            dealing: HexBytes(dealing.to_bytes()),
        }))
    }

    /// Harness trustee `c.complainer`'s complaint against the dealing of
    /// `c.dealer` in the log.
    fn complain(&mut self, c: &Complain) -> Option<Payload> {
        let params = self.tally.threshold_params()?;
        let keys = self.logged_keys()?;
        let j = c.complainer as usize;
        if j >= TRUSTEES || j >= keys.len() {
            return None;
        }
        let bytes = self.tally.dealings()?.get(c.dealer as usize)?.clone()?;
        let hash = self.hash();
        let verified = Dealing::from_bytes(&bytes, &params)
            .ok()?
            .verify(&params, &hash, c.dealer, keys.get(c.dealer as usize)?)
            .ok()?;
        let complaint = verified.complain(&hash, c.complainer, &self.trustees[j], &mut self.rng);
        Some(Payload::Complaint(ComplaintBody {
            complaint: Hex(complaint.to_bytes()),
        }))
    }

    /// Signs a statement whose signature is all zeros, as its signer.
    fn sign(&mut self, payload: Payload) -> Payload {
        let hash = self.hash();
        let anchor = self.tally.anchor();
        let Some((context, message, signer, sig)) = payload.statement(&hash, &anchor) else {
            return payload;
        };
        if sig.0 != [0; 64] || signer as usize >= TRUSTEES {
            return payload;
        }
        let sig = Hex(self.trustees[signer as usize]
            .sign(context, &message, &mut self.rng)
            .to_bytes());
        match payload {
            Payload::Quorum(b) => Payload::Quorum(QuorumBody {
                signature: sig,
                ..b
            }),
            Payload::Credentials(b) => Payload::Credentials(CredentialsBody {
                signature: sig,
                ..b
            }),
            Payload::Open(b) => Payload::Open(StatementBody {
                signature: sig,
                ..b
            }),
            Payload::Close(b) => Payload::Close(CloseBody {
                signature: sig,
                ..b
            }),
            Payload::Result(b) => Payload::Result(ResultBody {
                signature: sig,
                ..b
            }),
            other => other,
        }
    }

    fn directive(&mut self, kind: &str, body: &str) -> Option<()> {
        let payload = match kind {
            "election" => {
                let mut b: ElectionBody = json(body)?;
                if b.candidates.len() > MAX_CANDIDATES || b.trustees.len() > TRUSTEES {
                    return None;
                }
                b.server_key = Hex(*self.server.public().as_bytes());
                Payload::Election(b)
            }
            "trustee_key" => {
                let mut b: TrusteeKeyBody = json(body)?;
                if b.proof.0 == [0; 64] && (b.trustee as usize) < TRUSTEES {
                    let hash = self.hash();
                    let share = self.trustees[b.trustee as usize].key_share(
                        &hash,
                        b.trustee,
                        &mut self.rng,
                    );
                    b.key = Hex(*share.key.as_bytes());
                    b.proof = Hex(share.proof.to_bytes());
                }
                Payload::TrusteeKey(b)
            }
            "election_key" => {
                let mut b: ElectionKeyBody = json(body)?;
                let qualified = self
                    .tally
                    .qualification()
                    .and_then(|q| q.public().ok())
                    .map(|p| *p.election_key().as_bytes());
                if b.key.0 == [0; 32] && self.tally.threshold_params().is_some() {
                    b.key = Hex(qualified.unwrap_or([0; 32]));
                } else if b.key.0 == [0; 32] {
                    let n = self.tally.election().map_or(0, |e| e.trustees.len());
                    let keys: Vec<_> = self.trustees[..n.min(TRUSTEES)]
                        .iter()
                        .map(TrusteeKey::public)
                        .collect();
                    b.key = Hex(combine(&keys).compress().to_bytes());
                }
                Payload::ElectionKey(b)
            }
            "dealing" => Payload::Dealing(json(body)?),
            "deal" => self.deal(&json(body)?)?,
            "complaint" => Payload::Complaint(json(body)?),
            "complain" => self.complain(&json(body)?)?,
            "shares_ok" => {
                let mut b: StatementBody = json(body)?;
                if b.signature.0 == [0; 64] && (b.signer as usize) < TRUSTEES {
                    let hash = self.hash();
                    let d = self.tally.dealings_hash().unwrap_or([0; 32]);
                    b.signature = Hex(self.trustees[b.signer as usize]
                        .sign(
                            SHARES_OK_CONTEXT,
                            &shares_ok_message(&hash, &d),
                            &mut self.rng,
                        )
                        .to_bytes());
                }
                Payload::SharesOk(b)
            }
            "quorum" => self.sign(Payload::Quorum(json(body)?)),
            "open" => self.sign(Payload::Open(json(body)?)),
            "close" => self.sign(Payload::Close(json(body)?)),
            "credentials" => self.sign(Payload::Credentials(json(body)?)),
            "issue" => {
                let ids: Vec<u8> = json(body)?;
                let id = self.tally.election()?.id.clone();
                let credentials = ids
                    .iter()
                    .take(32)
                    .map(|&i| Hex(*credential(i).public(&id).as_bytes()))
                    .collect();
                self.sign(Payload::Credentials(CredentialsBody {
                    credentials,
                    signer: 0,
                    signature: Hex([0; 64]),
                }))
            }
            "cast" => {
                let c: Cast = json(body)?;
                if c.marks.len() > MAX_CANDIDATES || self.casts >= MAX_CASTS {
                    return None;
                }
                self.casts += 1;
                let ctx = self.tally.ballot_context()?;
                let id = self.tally.election()?.id.clone();
                Payload::Ballot(Ballot::cast(
                    &ctx,
                    &id,
                    &credential(c.cred),
                    &c.marks,
                    c.signed_by,
                    &mut self.rng,
                ))
            }
            "audit" => {
                let a: Audit = json(body)?;
                if a.marks.len() > MAX_CANDIDATES || self.casts >= MAX_CASTS {
                    return None;
                }
                self.casts += 1;
                let ctx = self.tally.ballot_context()?;
                let id = self.tally.election()?.id.clone();
                let sealed =
                    SealedBallot::seal(&ctx, &id, &credential(a.cred), &a.marks, None, &mut self.rng);
                let mut body = sealed.audit_body()?;
                if let Some((j, level)) = a.lie {
                    *body.choices.get_mut(j)? = level;
                }
                Payload::Audit(body)
            }
            "audit_body" => {
                let b = AuditBody::from_json(body).ok()?;
                if b.choices.len() > MAX_CANDIDATES {
                    return None;
                }
                Payload::Audit(b)
            }
            "ballot" => {
                let b: Ballot = json(body)?;
                if b.answers.len() > MAX_CANDIDATES {
                    return None;
                }
                Payload::Ballot(b)
            }
            "decryption" => {
                let mut b: DecryptionBody = json(body)?;
                if b.shares.is_empty() && (b.trustee as usize) < TRUSTEES {
                    let hash = self.hash();
                    let totals = self.tally.totals().to_vec();
                    let key = &self.trustees[b.trustee as usize];
                    let parts = match self.tally.qualification() {
                        // Under the threshold ceremony: with the share
                        // x_j rebuilt from the dealings (none for a member
                        // that cannot rebuild it).
                        Some(q) => q
                            .secret_share(&hash, b.trustee, key, &mut self.rng)
                            .ok()?
                            .partial_decrypt(&hash, &totals, &mut self.rng),
                        None => key.partial_decrypt(&hash, b.trustee, &totals, &mut self.rng),
                    };
                    b.shares = parts.iter().map(|p| Hex(p.to_bytes())).collect();
                }
                Payload::Decryption(b)
            }
            "result" => {
                let mut b: ResultBody = json(body)?;
                if b.counts.is_empty() && b.signature.0 == [0; 64] {
                    b.counts = self.tally.decrypted_counts().ok()?;
                }
                self.sign(Payload::Result(b))
            }
            "raw" => {
                self.push_line(body.as_bytes().to_vec());
                return Some(());
            }
            _ => return None,
        };
        self.seal(payload);
        Some(())
    }
}

/// The log a script makes (JSON Lines, each line ending in `\n`), or `None`
/// for a script that is not UTF-8 or is too long.
pub fn build_log(script: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(script).ok()?;
    let mut directives = Vec::new();
    for line in text.lines() {
        let (mut kind, mut body) = line.split_once(' ').unwrap_or((line, ""));
        let mut times = 1;
        if let Ok(n) = kind.parse::<usize>() {
            times = n.min(MAX_REPEAT);
            (kind, body) = body.split_once(' ').unwrap_or((body, ""));
        }
        for _ in 0..times {
            directives.push((kind, body));
        }
        if directives.len() > MAX_LINES {
            return None;
        }
    }
    let mut h = Harness::new();
    for (kind, body) in directives {
        let _ = h.directive(kind, body);
    }
    let mut out = Vec::new();
    for l in &h.lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    Some(out)
}

//! Test vectors for the byte formats of `tinnhiem-core` (PROTOCOL.md §8).
//!
//! `tests/vectors.json` is committed. Every value in it is made from fixed
//! inputs and from `ChaCha20Rng::from_seed(..)` with the seed recorded next to
//! it. The tests check two things:
//!
//! - the file regenerates byte for byte from those seeds, so that no encoding,
//!   transcript or signature format can change without the file changing in
//!   the same commit;
//! - the committed artifacts verify: the transcripts hash to the recorded
//!   challenges under the framing of PROTOCOL.md §3.1 (recomputed here by hand,
//!   not through the crate), the credential text decodes to its key, the key
//!   shares, the signature, the ballots and the partial decryptions verify,
//!   and the proofs satisfy the equations of PROTOCOL.md §2 written out here
//!   independently of the crate's batch verifier.
//!
//! To change the file on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-core --test vectors`
//! and commit the new file with the change that explains it.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT as G;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};
use tinnhiem_core::ballot::{ballot_digest, tracking_code, Ballot, Choice, ElectionContext, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::elgamal::{small_dlog, Ciphertext};
use tinnhiem_core::encoding::{base32, hex, unhex, unhex_array};
use tinnhiem_core::proofs::{DecryptionContext, DecryptionProof};
use tinnhiem_core::rules::{percent_hundredths, quorum_met, Consequence};
use tinnhiem_core::schnorr::{challenge, PublicKey, SecretKey, Signature};
use tinnhiem_core::transcript::Transcript;
use tinnhiem_core::trustee::{combine, key_proof_message, split_share, KeyShare, TrusteeKey};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors.json");
const REGENERATE: &str = "TINNHIEM_REGENERATE_VECTORS";

// ---------------------------------------------------------------------------
// The file's shape. Structs, not `serde_json::Value`, so that the key order
// is the declaration order whatever serde_json features the build unifies.

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Vectors {
    about: String,
    transcripts: Vec<TranscriptVector>,
    base32: Vec<Base32Vector>,
    credential: CredentialVector,
    trustees: TrusteeVector,
    signature: SignatureVector,
    elgamal: ElGamalVector,
    ballots: Vec<BallotVector>,
    decryption: DecryptionVector,
    small_dlog: Vec<DlogVector>,
    rules: RulesVector,
}

/// A framed hash: the `domain` field, then `fields` as `[label, hex data]`.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct TranscriptVector {
    name: String,
    /// `challenge` (SHA-512, reduced mod ℓ, 32 bytes) or `sha512` (the raw
    /// 64-byte digest).
    output_kind: String,
    domain: String,
    fields: Vec<[String; 2]>,
    /// Every byte hashed, hex.
    framed: String,
    output: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Base32Vector {
    bytes: String,
    text: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct CredentialVector {
    election_id: String,
    seed: String,
    check: String,
    text: String,
    /// The secret scalar `c` (a test credential: secrets appear nowhere but
    /// in test data).
    secret: String,
    public: String,
    accepted_typings: Vec<String>,
    rejected_typings: Vec<[String; 2]>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct TrusteeVector {
    rng_seed: String,
    election_hash: String,
    shares: Vec<TrusteeShareVector>,
    election_key: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct TrusteeShareVector {
    index: u32,
    secret: String,
    public: String,
    proof_context: String,
    proof_message: String,
    proof: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct SignatureVector {
    rng_seed: String,
    secret: String,
    public: String,
    context: String,
    message: String,
    signature: String,
    challenge: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ElGamalVector {
    key: String,
    message: u64,
    randomness: String,
    ciphertext: String,
    /// `Dᵢ = xᵢ·A` with the secrets of `trustees`.
    partials: Vec<String>,
    /// `B − Σ Dᵢ = m·G`.
    plaintext_point: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct BallotVector {
    rng_seed: String,
    election_id: String,
    election_hash: String,
    election_key: String,
    candidates: u32,
    credential_seed: String,
    credential_text: String,
    choices: Vec<Choice>,
    signed_by: Option<String>,
    /// The `body` of a `ballot` log entry, exactly.
    json: String,
    digest: String,
    tracking: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct DecryptionVector {
    rng_seed: String,
    election_hash: String,
    /// The totals of the ballots of `ballots`: item `3·candidate + option`,
    /// each `A ‖ B`.
    totals: Vec<String>,
    /// Per trustee, one `Dᵢ ‖ T1 ‖ T2 ‖ s` per item, as in a `decryption` entry.
    shares: Vec<Vec<String>>,
    counts: Vec<[u64; 3]>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct DlogVector {
    target: String,
    max: u64,
    m: Option<u64>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct RulesVector {
    quorum: Vec<QuorumVector>,
    percent: Vec<PercentVector>,
    consequence: Vec<ConsequenceVector>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct QuorumVector {
    summoned: u32,
    present: u32,
    met: bool,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct PercentVector {
    count: u64,
    returned: u64,
    hundredths: u64,
    /// How `result.json` writes it.
    json: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ConsequenceVector {
    low: u64,
    returned: u64,
    code: String,
}

// ---------------------------------------------------------------------------
// Helpers written from PROTOCOL.md, independently of the crate.

/// The nonce vector's inputs (PROTOCOL.md §3.3).
const NONCE_SECRET: [u8; 32] = [0x03; 32];
const NONCE_RANDOM: [u8; 32] = [0x44; 32];
const NONCE_CONTEXT: &str = "ballot";

fn rng(seed: [u8; 32]) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(seed)
}

/// `u32le(len(label)) ‖ label ‖ u32le(len(data)) ‖ data` for each field
/// (PROTOCOL.md §3.1).
fn frame(domain: &str, fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let all = std::iter::once(("domain", domain.as_bytes())).chain(fields.iter().copied());
    for (label, data) in all {
        out.extend_from_slice(&(label.len() as u32).to_le_bytes());
        out.extend_from_slice(label.as_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

fn wide(bytes: &[u8]) -> Scalar {
    let d: [u8; 64] = Sha512::digest(bytes).into();
    Scalar::from_bytes_mod_order_wide(&d)
}

fn transcript_vector(
    name: &str,
    output_kind: &str,
    domain: &str,
    fields: &[(&str, &[u8])],
    output: &[u8],
) -> TranscriptVector {
    TranscriptVector {
        name: name.into(),
        output_kind: output_kind.into(),
        domain: domain.into(),
        fields: fields
            .iter()
            .map(|(l, d)| [l.to_string(), hex(d)])
            .collect(),
        framed: hex(&frame(domain, fields)),
        output: hex(output),
    }
}

fn pt(h: &str) -> RistrettoPoint {
    CompressedRistretto(unhex_array(h, "test point").unwrap())
        .decompress()
        .expect("canonical point")
}

fn sc(b: &[u8]) -> Scalar {
    Option::from(Scalar::from_canonical_bytes(b.try_into().unwrap())).expect("canonical scalar")
}

fn public_key(h: &str) -> PublicKey {
    PublicKey::from_bytes(&unhex_array(h, "test key").unwrap(), "test key").unwrap()
}

fn seed32(h: &str) -> [u8; 32] {
    unhex_array(h, "seed").unwrap()
}

// Fixed inputs.
const ELECTION_ID: &str = "vectors-2023";
const SIGNED_BY: &str = "Trần Thị B";

fn fixed_election_hash() -> [u8; 32] {
    // Any 32 bytes do for the core vectors; the tally's vectors have a real one.
    Sha256::digest(b"tinnhiem test vectors: election hash").into()
}

fn seed_of(tag: u8) -> [u8; 32] {
    let mut s = [tag; 32];
    s[0] = b'T';
    s
}

// ---------------------------------------------------------------------------
// Generation.

fn generate() -> Vectors {
    let election_hash = fixed_election_hash();

    // Trustees: two key shares and the election key.
    let trustee_seed = seed_of(1);
    let mut r = rng(trustee_seed);
    let trustee_keys: Vec<TrusteeKey> = (0..2).map(|_| TrusteeKey::generate(&mut r)).collect();
    let shares: Vec<KeyShare> = trustee_keys
        .iter()
        .enumerate()
        .map(|(i, t)| t.key_share(&election_hash, i as u32, &mut r))
        .collect();
    let y = combine(&shares.iter().map(|s| s.key).collect::<Vec<_>>());
    let y_key = PublicKey::from_point(y);
    let trustees = TrusteeVector {
        rng_seed: hex(&trustee_seed),
        election_hash: hex(&election_hash),
        shares: shares
            .iter()
            .zip(&trustee_keys)
            .map(|(s, t)| TrusteeShareVector {
                index: s.index,
                secret: hex(&t.to_bytes()),
                public: hex(s.key.as_bytes()),
                proof_context: "trustee-key".into(),
                proof_message: hex(&key_proof_message(&election_hash, s.index)),
                proof: hex(&s.proof.to_bytes()),
            })
            .collect(),
        election_key: hex(y_key.as_bytes()),
    };

    // Transcripts.
    let key = [0x11u8; 32];
    let commitment = [0x22u8; 32];
    let message = b"message";
    let schnorr_fields: [(&str, &[u8]); 4] = [
        ("context", b"ballot"),
        ("key", &key),
        ("commitment", &commitment),
        ("message", message),
    ];
    let schnorr_e = challenge("ballot", &key, &commitment, message);
    let mut generic = Transcript::new("tinnhiem/v1/example");
    generic.append("empty", b"");
    generic.append_u32("number", 0x0102_0304);
    let generic_e = generic.challenge();
    let seed = [0x5au8; 16];
    let cred = Credential::from_seed(seed);
    let cred_secret = cred.secret_key(ELECTION_ID).to_bytes();
    let check_digest: [u8; 64] =
        Sha512::digest(frame("tinnhiem/v1/credential-check", &[("seed", &seed)])).into();
    // The secret is a canonical scalar, so that the test below can sign
    // with it and check that the signer's nonce is this one.
    let nonce_secret = NONCE_SECRET;
    let nonce_random = NONCE_RANDOM;
    let mut nonce = Transcript::new("tinnhiem/v1/nonce");
    nonce.append("secret", &nonce_secret);
    nonce.append("random", &nonce_random);
    nonce.append("context", NONCE_CONTEXT.as_bytes());
    nonce.append("message", message);
    let nonce_k = nonce.challenge();
    let transcripts = vec![
        transcript_vector(
            "Schnorr challenge e = challenge(\"ballot\", P, R, \"message\") (schnorr::challenge)",
            "challenge",
            "tinnhiem/v1/schnorr",
            &schnorr_fields,
            schnorr_e.as_bytes(),
        ),
        transcript_vector(
            "generic transcript: an empty field and a u32 field (Transcript)",
            "challenge",
            "tinnhiem/v1/example",
            &[("empty", b""), ("number", &0x0102_0304u32.to_le_bytes())],
            generic_e.as_bytes(),
        ),
        transcript_vector(
            "hedged nonce k (SecretKey::nonce)",
            "challenge",
            "tinnhiem/v1/nonce",
            &[
                ("secret", &nonce_secret),
                ("random", &nonce_random),
                ("context", NONCE_CONTEXT.as_bytes()),
                ("message", message),
            ],
            nonce_k.as_bytes(),
        ),
        transcript_vector(
            "credential secret c (Credential::secret_key)",
            "challenge",
            "tinnhiem/v1/credential",
            &[("election", ELECTION_ID.as_bytes()), ("seed", &seed)],
            &cred_secret,
        ),
        transcript_vector(
            "credential check digest; the check is its first 4 bytes (credential::check)",
            "sha512",
            "tinnhiem/v1/credential-check",
            &[("seed", &seed)],
            &check_digest,
        ),
    ];

    // Base32.
    let base32_inputs: [&[u8]; 5] = [
        b"",
        &[0x00],
        &[0xff],
        &[0x12, 0x34, 0x56, 0x78, 0x9a],
        b"tinnhiem",
    ];
    let base32v = base32_inputs
        .iter()
        .map(|b| Base32Vector {
            bytes: hex(b),
            text: base32(b),
        })
        .collect();

    // The credential.
    let text = cred.to_text().to_string();
    let plain: String = text.chars().filter(|&c| c != '-').collect();
    let lenient: String = plain
        .to_ascii_lowercase()
        .replace('0', "o")
        .replace('1', "l");
    let spaced: String = text.replace('-', " ");
    let mut mistyped: Vec<char> = plain.chars().collect();
    mistyped[5] = if mistyped[5] == 'A' { 'B' } else { 'A' };
    let mistyped: String = mistyped.into_iter().collect();
    let with_u = format!("U{}", &plain[1..]);
    let short = plain[..31].to_string();
    let rejected: Vec<[String; 2]> = [mistyped, with_u, short]
        .into_iter()
        .map(|t| {
            let err = Credential::from_text(&t).expect_err("rejected typing");
            [t, err.to_string()]
        })
        .collect();
    let credential = CredentialVector {
        election_id: ELECTION_ID.into(),
        seed: hex(&seed),
        check: hex(&check_digest[..4]),
        text: text.clone(),
        secret: hex(&cred_secret),
        public: hex(cred.public(ELECTION_ID).as_bytes()),
        accepted_typings: vec![plain, lenient, spaced],
        rejected_typings: rejected,
    };

    // A signature.
    let sig_seed = seed_of(2);
    let mut r = rng(sig_seed);
    let signer = SecretKey::random(&mut r);
    let sig_message = b"tinnhiem: a signed message".to_vec();
    let sig = signer.sign("ballot", &sig_message, &mut r);
    let signature = SignatureVector {
        rng_seed: hex(&sig_seed),
        secret: hex(&signer.to_bytes()),
        public: hex(signer.public().as_bytes()),
        context: "ballot".into(),
        message: hex(&sig_message),
        signature: hex(&sig.to_bytes()),
        challenge: hex(challenge(
            "ballot",
            signer.public().as_bytes(),
            sig.r.as_bytes(),
            &sig_message,
        )
        .as_bytes()),
    };

    // ElGamal with explicit randomness.
    let randomness = wide(b"tinnhiem test vectors: ElGamal randomness");
    let ct = Ciphertext::encrypt_with(&y, 1, &randomness);
    let partials: Vec<RistrettoPoint> = trustee_keys
        .iter()
        .map(|t| Scalar::from_bytes_mod_order(t.to_bytes()) * ct.a)
        .collect();
    let plain_point = partials.iter().fold(ct.b, |acc, d| acc - d);
    let elgamal = ElGamalVector {
        key: hex(y_key.as_bytes()),
        message: 1,
        randomness: hex(randomness.as_bytes()),
        ciphertext: hex(&ct.compress().to_bytes()),
        partials: partials
            .iter()
            .map(|d| hex(d.compress().as_bytes()))
            .collect(),
        plaintext_point: hex(plain_point.compress().as_bytes()),
    };

    // Two ballots.
    let ctx = ElectionContext {
        election_hash,
        key: y_key,
        candidates: 2,
    };
    // (rng seed tag, credential seed, choices, declared name)
    type Spec<'a> = (u8, [u8; 16], [Choice; 2], Option<&'a str>);
    let ballot_specs: [Spec<'_>; 2] = [
        (3, seed, [Some(Level::High), None], Some(SIGNED_BY)),
        (
            4,
            [0xa5; 16],
            [Some(Level::Low), Some(Level::Confidence)],
            None,
        ),
    ];
    let mut ballots = Vec::new();
    let mut totals = [Ciphertext::zero(); 6];
    for (tag, cseed, choices, signed_by) in ballot_specs {
        let s = seed_of(tag);
        let c = Credential::from_seed(cseed);
        let b = Ballot::cast(
            &ctx,
            ELECTION_ID,
            &c,
            &choices,
            signed_by.map(str::to_owned),
            &mut rng(s),
        );
        for (j, a) in b.answers.iter().enumerate() {
            for (k, ct) in a.ciphertexts.iter().enumerate() {
                totals[3 * j + k] = totals[3 * j + k].add(&ct.decompress().unwrap());
            }
        }
        let digest = b.digest(&ctx);
        ballots.push(BallotVector {
            rng_seed: hex(&s),
            election_id: ELECTION_ID.into(),
            election_hash: hex(&election_hash),
            election_key: hex(y_key.as_bytes()),
            candidates: 2,
            credential_seed: hex(&cseed),
            credential_text: c.to_text().to_string(),
            choices: choices.to_vec(),
            signed_by: signed_by.map(str::to_owned),
            json: serde_json::to_string(&b).unwrap(),
            digest: hex(&digest),
            tracking: tracking_code(&digest),
        });
    }

    // Both trustees decrypt the totals of the two ballots.
    let dec_seed = seed_of(5);
    let mut r = rng(dec_seed);
    let parts: Vec<Vec<String>> = trustee_keys
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.partial_decrypt(&election_hash, i as u32, &totals, &mut r)
                .iter()
                .map(|p| hex(&p.to_bytes()))
                .collect()
        })
        .collect();
    let mut counts = vec![[0u64; 3]; 2];
    for (item, total) in totals.iter().enumerate() {
        let m = trustee_keys.iter().fold(total.b, |acc, t| {
            acc - Scalar::from_bytes_mod_order(t.to_bytes()) * total.a
        });
        counts[item / 3][item % 3] = small_dlog(&m, 2).expect("a count");
    }
    let decryption = DecryptionVector {
        rng_seed: hex(&dec_seed),
        election_hash: hex(&election_hash),
        totals: totals
            .iter()
            .map(|c| hex(&c.compress().to_bytes()))
            .collect(),
        shares: parts,
        counts,
    };

    // Small discrete logarithms.
    let dlog = [
        (0u64, 0u64),
        (1, 1),
        (2, 10),
        (10, 10),
        (99, 1000),
        (1000, 1000),
        (7, 6),
    ]
    .iter()
    .map(|&(m, max)| {
        let target = Scalar::from(m) * G;
        DlogVector {
            target: hex(target.compress().as_bytes()),
            max,
            m: small_dlog(&target, max),
        }
    })
    .collect();

    // Rules.
    let quorum = [(30, 20), (30, 19), (3, 2), (9, 6), (9, 5), (1, 1)]
        .iter()
        .map(|&(summoned, present)| QuorumVector {
            summoned,
            present,
            met: quorum_met(summoned, present),
        })
        .collect();
    let percent = [
        (1, 3),
        (2, 3),
        (1, 6),
        (5, 6),
        (1, 8),
        (1, 400),
        (0, 7),
        (7, 7),
        (0, 0),
    ]
    .iter()
    .map(|&(count, returned)| {
        let h = percent_hundredths(count, returned);
        PercentVector {
            count,
            returned,
            hundredths: h,
            json: serde_json::to_string(&(h as f64 / 100.0)).unwrap(),
        }
    })
    .collect();
    let consequence = [
        (5, 10),
        (6, 10),
        (6, 9),
        (5, 9),
        (2, 3),
        (1, 3),
        (1, 2),
        (0, 0),
        (1, 1),
    ]
    .iter()
    .map(|&(low, returned)| ConsequenceVector {
        low,
        returned,
        code: Consequence::of(low, returned).code().into(),
    })
    .collect();

    Vectors {
        about: "tinnhiem test vectors: see docs/PROTOCOL.md §8. Regenerate with \
                TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-core --test vectors"
            .into(),
        transcripts,
        base32: base32v,
        credential,
        trustees,
        signature,
        elgamal,
        ballots,
        decryption,
        small_dlog: dlog,
        rules: RulesVector {
            quorum,
            percent,
            consequence,
        },
    }
}

fn regenerating() -> bool {
    std::env::var(REGENERATE).is_ok_and(|v| v == "1")
}

fn render(v: &Vectors) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

/// The committed vectors (or, when regenerating, the fresh ones).
fn load() -> Vectors {
    if regenerating() {
        return generate();
    }
    let text = std::fs::read_to_string(PATH).expect("tests/vectors.json is committed");
    serde_json::from_str(&text).expect("tests/vectors.json parses")
}

// ---------------------------------------------------------------------------
// (a) The file regenerates byte for byte.

#[test]
fn vectors_regenerate_byte_for_byte_from_their_seeds() {
    let fresh = render(&generate());
    if regenerating() {
        std::fs::write(PATH, &fresh).expect("write tests/vectors.json");
        return;
    }
    let committed = std::fs::read_to_string(PATH).expect("tests/vectors.json is committed");
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(fresh.lines().count()), |l| l);
        panic!(
            "tests/vectors.json no longer regenerates from its seeds (first difference at line {}).\n\
             A byte format, a transcript or the use of randomness changed. If that is intended, \
             run `{REGENERATE}=1 cargo test -p tinnhiem-core --test vectors`, update \
             docs/PROTOCOL.md and commit both.",
            line + 1
        );
    }
}

// ---------------------------------------------------------------------------
// (b) The committed artifacts verify.

#[test]
fn transcripts_hash_their_framed_fields_to_the_recorded_outputs() {
    let v = load();
    for t in &v.transcripts {
        let fields: Vec<(String, Vec<u8>)> = t
            .fields
            .iter()
            .map(|[l, d]| (l.clone(), unhex(d, "field").unwrap()))
            .collect();
        let borrowed: Vec<(&str, &[u8])> = fields
            .iter()
            .map(|(l, d)| (l.as_str(), d.as_slice()))
            .collect();
        let framed = frame(&t.domain, &borrowed);
        assert_eq!(hex(&framed), t.framed, "{}: framing", t.name);
        let out = match t.output_kind.as_str() {
            "challenge" => wide(&framed).to_bytes().to_vec(),
            "sha512" => Sha512::digest(&framed).to_vec(),
            k => panic!("unknown output kind {k}"),
        };
        assert_eq!(hex(&out), t.output, "{}: output", t.name);
        // The crate's Transcript gives the same for challenges.
        if t.output_kind == "challenge" {
            let mut tr = Transcript::new(&t.domain);
            for (l, d) in &borrowed {
                tr.append(l, d);
            }
            assert_eq!(hex(tr.challenge().as_bytes()), t.output, "{}", t.name);
        }
    }
    // The Schnorr challenge function uses exactly the first vector's fields.
    let s = &v.transcripts[0];
    let f = |i: usize| unhex(&s.fields[i][1], "f").unwrap();
    let e = challenge(
        std::str::from_utf8(&f(0)).unwrap(),
        &f(1).try_into().unwrap(),
        &f(2).try_into().unwrap(),
        &f(3),
    );
    assert_eq!(hex(e.as_bytes()), s.output);
}

#[test]
fn base32_encodes_most_significant_bit_first() {
    for b in load().base32 {
        assert_eq!(base32(&unhex(&b.bytes, "bytes").unwrap()), b.text);
    }
}

#[test]
fn credential_text_decodes_to_its_seed_and_public_key() {
    let v = load().credential;
    let seed: [u8; 16] = unhex_array(&v.seed, "seed").unwrap();
    // The text is base32 of seed ‖ check, in groups of four.
    let mut raw = seed.to_vec();
    raw.extend(unhex(&v.check, "check").unwrap());
    let grouped: Vec<String> = base32(&raw)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    assert_eq!(grouped.join("-"), v.text);
    for text in std::iter::once(&v.text).chain(&v.accepted_typings) {
        let c = Credential::from_text(text).expect("accepted typing");
        assert_eq!(hex(c.public(&v.election_id).as_bytes()), v.public, "{text}");
        assert_eq!(
            hex(&c.secret_key(&v.election_id).to_bytes()),
            v.secret,
            "{text}"
        );
    }
    // C = c·G.
    let c = sc(&unhex(&v.secret, "secret").unwrap());
    assert_eq!(hex((c * G).compress().as_bytes()), v.public);
    for [text, error] in &v.rejected_typings {
        let e = Credential::from_text(text).expect_err("rejected typing");
        assert_eq!(&e.to_string(), error, "{text}");
    }
}

#[test]
fn trustee_key_shares_prove_knowledge_and_combine_to_the_election_key() {
    let v = load().trustees;
    let hash = seed32(&v.election_hash);
    let mut keys = Vec::new();
    for s in &v.shares {
        let key = public_key(&s.public);
        let secret = TrusteeKey::from_bytes(&seed32(&s.secret)).unwrap();
        assert_eq!(secret.public(), key);
        assert_eq!(hex(&key_proof_message(&hash, s.index)), s.proof_message);
        let proof = Signature::from_bytes(&unhex_array(&s.proof, "proof").unwrap()).unwrap();
        let share = KeyShare {
            index: s.index,
            key,
            proof,
        };
        share.verify(&hash).expect("key proof verifies");
        // Bound to the index and the election.
        let other = KeyShare {
            index: s.index + 1,
            ..share
        };
        assert!(other.verify(&hash).is_err());
        assert!(share.verify(&[0; 32]).is_err());
        // And the documented equation: s·G = R + e·Y.
        let e = challenge(
            &s.proof_context,
            key.as_bytes(),
            proof.r.as_bytes(),
            &unhex(&s.proof_message, "m").unwrap(),
        );
        assert_eq!(proof.s * G, proof.r.decompress().unwrap() + e * key.point());
        keys.push(key);
    }
    assert_eq!(hex(combine(&keys).compress().as_bytes()), v.election_key);
}

#[test]
fn signature_verifies_and_changed_bytes_do_not() {
    let v = load().signature;
    let key = public_key(&v.public);
    let secret = SecretKey::from_bytes(&seed32(&v.secret)).unwrap();
    assert_eq!(secret.public(), key);
    let bytes: [u8; 64] = unhex_array(&v.signature, "signature").unwrap();
    let sig = Signature::from_bytes(&bytes).unwrap();
    let message = unhex(&v.message, "message").unwrap();
    sig.verify(&key, &v.context, &message).expect("verifies");
    let e = challenge(&v.context, key.as_bytes(), sig.r.as_bytes(), &message);
    assert_eq!(hex(e.as_bytes()), v.challenge);
    assert_eq!(sig.s * G - e * key.point(), sig.r.decompress().unwrap());
    assert!(sig.verify(&key, "quorum", &message).is_err());
    let mut other = message.clone();
    other[0] ^= 1;
    assert!(sig.verify(&key, &v.context, &other).is_err());
    let mut changed = bytes;
    changed[40] ^= 1;
    if let Ok(s) = Signature::from_bytes(&changed) {
        assert!(s.verify(&key, &v.context, &message).is_err());
    }
}

#[test]
fn elgamal_encrypts_with_the_recorded_randomness_and_decrypts_jointly() {
    let v = load();
    let e = &v.elgamal;
    let y = pt(&e.key);
    let r = sc(&unhex(&e.randomness, "r").unwrap());
    let ct = Ciphertext::encrypt_with(&y, e.message, &r);
    assert_eq!(hex(&ct.compress().to_bytes()), e.ciphertext);
    let mut m = ct.b;
    for (d, s) in e.partials.iter().zip(&v.trustees.shares) {
        let x = sc(&unhex(&s.secret, "x").unwrap());
        assert_eq!(hex((x * ct.a).compress().as_bytes()), *d);
        m -= pt(d);
    }
    assert_eq!(hex(m.compress().as_bytes()), e.plaintext_point);
    assert_eq!(small_dlog(&m, 5), Some(e.message));
}

/// The 0/1 proof's equations, written out from PROTOCOL.md §2.5.
#[allow(clippy::too_many_arguments)]
fn or_proof_holds(
    election: &[u8; 32],
    key: &[u8; 32],
    credential: &[u8; 32],
    candidate: u32,
    option: u32,
    a: RistrettoPoint,
    b: RistrettoPoint,
    proof: &[u8],
) -> bool {
    assert_eq!(proof.len(), 224);
    let t: Vec<RistrettoPoint> = (0..4)
        .map(|i| pt(&hex(&proof[32 * i..32 * i + 32])))
        .collect();
    let (c0, s0, s1) = (
        sc(&proof[128..160]),
        sc(&proof[160..192]),
        sc(&proof[192..224]),
    );
    let mut ct = a.compress().to_bytes().to_vec();
    ct.extend_from_slice(b.compress().as_bytes());
    let c = wide(&frame(
        "tinnhiem/v1/or-proof",
        &[
            ("election", election),
            ("key", key),
            ("credential", credential),
            ("candidate", &candidate.to_le_bytes()),
            ("option", &option.to_le_bytes()),
            ("ciphertext", &ct),
            ("commitments", &proof[..128]),
        ],
    ));
    let c1 = c - c0;
    let y = pt(&hex(key));
    s0 * G == t[0] + c0 * a
        && s0 * y == t[1] + c0 * b
        && s1 * G == t[2] + c1 * a
        && s1 * y == t[3] + c1 * (b - G)
}

#[test]
fn ballots_verify_and_match_their_digest_and_tracking_code() {
    let v = load();
    for bv in &v.ballots {
        let ctx = ElectionContext {
            election_hash: seed32(&bv.election_hash),
            key: public_key(&bv.election_key),
            candidates: bv.candidates,
        };
        let ballot: Ballot = serde_json::from_str(&bv.json).expect("ballot decodes");
        assert_eq!(
            serde_json::to_string(&ballot).unwrap(),
            bv.json,
            "canonical"
        );
        ballot
            .verify(&ctx, &mut rng([9; 32]))
            .expect("ballot verifies");
        let cred = Credential::from_text(&bv.credential_text).unwrap();
        let from_seed = Credential::from_seed(unhex_array(&bv.credential_seed, "seed").unwrap());
        assert_eq!(
            from_seed.public(&bv.election_id),
            cred.public(&bv.election_id)
        );
        assert_eq!(ballot.credential, *cred.public(&bv.election_id).as_bytes());
        assert_eq!(ballot.signed_by, bv.signed_by);

        // The digest, framed by hand (PROTOCOL.md §3.8).
        let answers: Vec<u8> = ballot.answers.iter().flat_map(|a| a.to_bytes()).collect();
        let signed_by = match &bv.signed_by {
            None => Vec::new(),
            Some(n) => [&[1u8][..], n.as_bytes()].concat(),
        };
        let framed = frame(
            "tinnhiem/v1/ballot",
            &[
                ("election", &ctx.election_hash),
                ("credential", &ballot.credential),
                ("answers", &answers),
                ("signed_by", &signed_by),
            ],
        );
        let digest: [u8; 32] = Sha256::digest(&framed).into();
        assert_eq!(hex(&digest), bv.digest);
        assert_eq!(
            digest,
            ballot_digest(
                &ctx.election_hash,
                &ballot.credential,
                &ballot.answers,
                bv.signed_by.as_deref()
            )
        );
        assert_eq!(tracking_code(&digest), bv.tracking);
        let c = public_key(&hex(&ballot.credential));
        ballot
            .signature
            .verify(&c, "ballot", &digest)
            .expect("credential signature");

        // Every proof, by the written-out equations.
        for (j, a) in ballot.answers.iter().enumerate() {
            let bytes = a.to_bytes();
            let cts: Vec<(RistrettoPoint, RistrettoPoint)> = (0..3)
                .map(|k| {
                    (
                        pt(&hex(&bytes[64 * k..64 * k + 32])),
                        pt(&hex(&bytes[64 * k + 32..64 * k + 64])),
                    )
                })
                .collect();
            let sum = cts.iter().fold(
                (RistrettoPoint::default(), RistrettoPoint::default()),
                |s, c| (s.0 + c.0, s.1 + c.1),
            );
            for option in 0..4u32 {
                let (ca, cb) = if option == 3 {
                    sum
                } else {
                    cts[option as usize]
                };
                let p = &bytes[192 + 224 * option as usize..192 + 224 * (option as usize + 1)];
                assert!(
                    or_proof_holds(
                        &ctx.election_hash,
                        ctx.key.as_bytes(),
                        &ballot.credential,
                        j as u32,
                        option,
                        ca,
                        cb,
                        p
                    ),
                    "candidate {j} option {option}"
                );
                // Bound to its slot: the same proof fails elsewhere.
                assert!(!or_proof_holds(
                    &ctx.election_hash,
                    ctx.key.as_bytes(),
                    &ballot.credential,
                    j as u32 + 1,
                    option,
                    ca,
                    cb,
                    p
                ));
            }
        }

        // A changed byte anywhere in an answer is caught.
        let mut tampered = ballot.clone();
        let mut bytes = tampered.answers[0].to_bytes();
        bytes[1000] ^= 1;
        if let Ok(a) = tinnhiem_core::ballot::Answer::from_bytes(&bytes) {
            tampered.answers[0] = a;
            assert!(tampered.verify(&ctx, &mut rng([9; 32])).is_err());
        }
    }
}

#[test]
fn partial_decryptions_verify_and_give_the_counts() {
    let v = load();
    let d = &v.decryption;
    let hash = seed32(&d.election_hash);
    // The totals are the sums of the two ballots' ciphertexts.
    let mut totals = [Ciphertext::zero(); 6];
    for bv in &v.ballots {
        let b: Ballot = serde_json::from_str(&bv.json).unwrap();
        for (j, a) in b.answers.iter().enumerate() {
            for (k, ct) in a.ciphertexts.iter().enumerate() {
                totals[3 * j + k] = totals[3 * j + k].add(&ct.decompress().unwrap());
            }
        }
    }
    let recorded: Vec<String> = totals
        .iter()
        .map(|c| hex(&c.compress().to_bytes()))
        .collect();
    assert_eq!(recorded, d.totals);
    let mut plain: Vec<RistrettoPoint> = totals.iter().map(|c| c.b).collect();
    for (i, (shares, tv)) in d.shares.iter().zip(&v.trustees.shares).enumerate() {
        let key = public_key(&tv.public);
        let mut batch = tinnhiem_core::batch::BatchVerifier::new();
        for (item, s) in shares.iter().enumerate() {
            let bytes: [u8; 128] = unhex_array(s, "share").unwrap();
            let (d_bytes, proof_bytes) = split_share(&bytes);
            let dpt = pt(&hex(&d_bytes));
            let proof = DecryptionProof::from_bytes(&proof_bytes).unwrap();
            let ctx = DecryptionContext {
                election: &hash,
                trustee: i as u32,
                item: item as u32,
                key: key.as_bytes(),
            };
            proof
                .add_to_batch(
                    &mut batch,
                    &mut rng([7; 32]),
                    &ctx,
                    key.point(),
                    &totals[item].a,
                    &dpt,
                    &d_bytes,
                )
                .unwrap();
            // The written-out equations (PROTOCOL.md §2.6).
            let a = totals[item].a;
            let commitments = &proof_bytes[..64];
            let e = wide(&frame(
                "tinnhiem/v1/decryption",
                &[
                    ("election", &hash),
                    ("trustee", &(i as u32).to_le_bytes()),
                    ("item", &(item as u32).to_le_bytes()),
                    ("key", key.as_bytes()),
                    ("base", a.compress().as_bytes()),
                    ("share", &d_bytes),
                    ("commitments", commitments),
                ],
            ));
            let (t1, t2) = (
                proof.t1.decompress().unwrap(),
                proof.t2.decompress().unwrap(),
            );
            assert_eq!(proof.s * G, t1 + e * key.point(), "trustee {i} item {item}");
            assert_eq!(proof.s * a, t2 + e * dpt, "trustee {i} item {item}");
            plain[item] -= dpt;
        }
        assert!(batch.verify(), "trustee {i}");
    }
    for (item, m) in plain.iter().enumerate() {
        assert_eq!(
            small_dlog(m, v.ballots.len() as u64),
            Some(d.counts[item / 3][item % 3])
        );
    }
}

#[test]
fn small_discrete_logs_are_found_within_their_bound_only() {
    for d in load().small_dlog {
        assert_eq!(small_dlog(&pt(&d.target), d.max), d.m);
    }
}

#[test]
fn rules_arithmetic_matches_the_recorded_table() {
    let r = load().rules;
    for q in r.quorum {
        assert_eq!(quorum_met(q.summoned, q.present), q.met);
        // R2 in exact integers.
        assert_eq!(q.present * 3 >= q.summoned * 2, q.met);
    }
    for p in r.percent {
        assert_eq!(percent_hundredths(p.count, p.returned), p.hundredths);
        assert_eq!(
            serde_json::to_string(&(p.hundredths as f64 / 100.0)).unwrap(),
            p.json
        );
    }
    for c in r.consequence {
        assert_eq!(Consequence::of(c.low, c.returned).code(), c.code);
    }
}

/// The election fingerprint (PROTOCOL.md §5.9), against a value computed
/// from the spec alone (Python's hashlib and the base32 alphabet).
#[test]
fn fingerprint_matches_the_spec() {
    let hash: [u8; 32] = core::array::from_fn(|i| i as u8);
    let key: [u8; 32] = core::array::from_fn(|i| 100 + i as u8);
    assert_eq!(tinnhiem_core::ballot::fingerprint(&hash, &key), "FXBT-11E4");
    // Either input changed: another fingerprint.
    let mut other = key;
    other[31] ^= 1;
    assert_ne!(
        tinnhiem_core::ballot::fingerprint(&hash, &other),
        "FXBT-11E4"
    );
}

/// The election check (PROTOCOL.md §5.10), against a value computed from the
/// spec alone (Python's hashlib and struct, and the base32 alphabet): the
/// framed bytes are written out here as the section gives them.
#[test]
fn election_check_matches_the_spec() {
    use sha2::{Digest, Sha256};
    let hash: [u8; 32] = core::array::from_fn(|i| i as u8);
    let key: [u8; 32] = core::array::from_fn(|i| 100 + i as u8);
    let framed = tinnhiem_core::encoding::unhex(
        "06000000646f6d61696e1a00000074696e6e6869656d2f656c656374696f6e2d636865636b2f7631\
         08000000656c656374696f6e20000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\
         030000006b6579200000006465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80818283",
        "framed",
    )
    .unwrap();
    let digest = Sha256::digest(&framed);
    assert_eq!(
        tinnhiem_core::encoding::base32(&digest[..20]),
        "7T6H211CCMHHKVS2NH35FP1VA1AN9EKE"
    );
    assert_eq!(
        tinnhiem_core::ballot::election_check(&hash, &key),
        "7T6H211CCMHHKVS2NH35FP1VA1AN9EKE"
    );
}

/// A generator that gives the same byte every time: the signer's only draw
/// is the nonce's 32 `random` bytes (PROTOCOL.md §8.4).
struct Constant(u8);

impl rand_chacha::rand_core::RngCore for Constant {
    fn next_u32(&mut self) -> u32 {
        u32::from_le_bytes([self.0; 4])
    }
    fn next_u64(&mut self) -> u64 {
        u64::from_le_bytes([self.0; 8])
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(self.0);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_chacha::rand_core::Error> {
        dest.fill(self.0);
        Ok(())
    }
}

impl rand_chacha::rand_core::CryptoRng for Constant {}

#[test]
fn the_nonce_vector_is_the_nonce_the_signer_uses() {
    // The vector frames the fields of PROTOCOL.md §3.3; the signer must
    // draw exactly that nonce: R = k·G for a signature made with the same
    // secret, random bytes, context and message.
    let v = load();
    let t = v
        .transcripts
        .iter()
        .find(|t| t.domain == "tinnhiem/v1/nonce")
        .expect("a nonce vector");
    let labels: Vec<&str> = t.fields.iter().map(|f| f[0].as_str()).collect();
    assert_eq!(
        labels,
        ["secret", "random", "context", "message"],
        "§3.3's fields"
    );
    let field = |label: &'static str| {
        let i = labels.iter().position(|l| *l == label).unwrap();
        unhex(&t.fields[i][1], label).unwrap()
    };
    assert_eq!(field("random"), vec![NONCE_RANDOM[0]; 32]);
    let secret: [u8; 32] = field("secret").try_into().unwrap();
    let context = String::from_utf8(field("context")).unwrap();
    let key = SecretKey::from_bytes(&secret).expect("a canonical secret");
    let sig = key.sign(&context, &field("message"), &mut Constant(NONCE_RANDOM[0]));
    let k = sc(&unhex(&t.output, "output").unwrap());
    assert_eq!(
        hex(&sig.to_bytes()[..32]),
        hex((k * G).compress().as_bytes()),
        "the signer's nonce is not the vector's"
    );
}

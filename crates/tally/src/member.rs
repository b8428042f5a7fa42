//! A committee member's side of the key ceremony and of the count, worked
//! out from the log alone and the member's trustee key (PROTOCOL.md §5.4,
//! §10). Nothing else is kept between the rounds: a member whose browser or
//! terminal was closed mid-ceremony reads the log again and
//! [`next_step`] says what is left to do. The CLI and the console (through
//! the wasm module) both call this module, so they take the same steps.

use rand_core::CryptoRngCore;
use tinnhiem_core::dkg::{self, Dealing, DkgError};
use tinnhiem_core::log::{
    shares_ok_message, ComplaintBody, DealingBody, DecryptionBody, Hex, HexBytes, StatementBody,
    SHARES_OK_CONTEXT,
};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::TrusteeKey;

use crate::{Phase, Tally};

/// What a member does next in the key ceremony.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The member's trustee key is not in the log: enroll it (with the
    /// enrollment code).
    Register,
    /// Waiting for these members' trustee keys.
    AwaitKeys {
        /// The members, from 0.
        missing: Vec<u32>,
    },
    /// Publish this dealing (PROTOCOL.md §10.3).
    Deal(DealingBody),
    /// Waiting for these members' dealings.
    AwaitDealings {
        /// The members, from 0.
        missing: Vec<u32>,
    },
    /// A share dealt to this member does not check (§10.6): publish this
    /// complaint, then ask again.
    Complain {
        /// The dealer complained about.
        dealer: u32,
        /// The entry.
        body: ComplaintBody,
    },
    /// Every share dealt to this member checks or is complained about:
    /// publish this `shares_ok` statement.
    SharesOk(StatementBody),
    /// Waiting for these members' `shares_ok`.
    AwaitSharesOk {
        /// The members, from 0.
        missing: Vec<u32>,
    },
    /// Every member has posted `shares_ok`; the election key follows (the
    /// server appends it).
    AwaitElectionKey,
    /// Fewer than `t` dealers qualified: this ceremony cannot give a key and
    /// the election must be created again (§10.8).
    TooFewQualified {
        /// Qualified dealers.
        qualified: u32,
        /// The threshold.
        needed: u32,
    },
    /// The election key is published: the key ceremony is over.
    Done,
}

/// Why a member cannot act on this log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    /// The log has no line 0 yet.
    #[error("the log has no election yet")]
    NoElection,
    /// The member is not on the committee.
    #[error("member {0} is not on the committee")]
    UnknownMember(u32),
    /// The log holds another trustee key for this member: the key file is
    /// not this member's, or was mistyped.
    #[error("the key does not match member {0}'s key in the log")]
    WrongKey(u32),
    /// Decryption is only possible once voting is closed.
    #[error("voting is not closed")]
    NotClosed,
    /// The member was disqualified in the key ceremony (threshold).
    #[error("member {0} was disqualified in the key ceremony and may not decrypt")]
    NotQualified(u32),
    /// A qualified dealer's share to this member does not check, and the
    /// member did not complain: it cannot rebuild its share.
    #[error("the share dealt by member {dealer} does not check")]
    BadShare {
        /// The dealer.
        dealer: u32,
    },
    /// The member has already published its partial decryption.
    #[error("member {0} has already decrypted")]
    AlreadyDecrypted(u32),
}

fn missing(flags: impl Iterator<Item = bool>) -> Vec<u32> {
    flags
        .enumerate()
        .filter(|(_, present)| !present)
        .map(|(i, _)| i as u32)
        .collect()
}

/// Checks that `member` is on the committee and, if its trustee key is in
/// the log, that it is `key`'s. True when it is in the log.
fn registered(tally: &Tally, member: u32, key: &TrusteeKey) -> Result<bool, MemberError> {
    let slot = tally
        .trustee_keys()
        .get(member as usize)
        .ok_or(MemberError::UnknownMember(member))?;
    match slot {
        None => Ok(false),
        Some(logged) if *logged == key.public() => Ok(true),
        Some(_) => Err(MemberError::WrongKey(member)),
    }
}

/// Whether `key` is member `member`'s key as far as the log tells: `Ok` when
/// the log holds this key for the member or no key yet.
pub fn check_key(tally: &Tally, member: u32, key: &TrusteeKey) -> Result<(), MemberError> {
    tally.election().ok_or(MemberError::NoElection)?;
    registered(tally, member, key).map(|_| ())
}

/// The member's next step in the key ceremony, from the log read so far.
/// For an n-of-n log the ceremony is over once the member's key and the
/// election key are in.
pub fn next_step(
    tally: &Tally,
    member: u32,
    key: &TrusteeKey,
    rng: &mut impl CryptoRngCore,
) -> Result<Step, MemberError> {
    let hash = tally.election_hash().ok_or(MemberError::NoElection)?;
    if !registered(tally, member, key)? {
        return Ok(Step::Register);
    }
    if tally.ballot_context().is_some() || tally.phase() != Phase::Setup {
        return Ok(Step::Done);
    }
    let keys = tally.trustee_keys();
    let absent = missing(keys.iter().map(Option::is_some));
    if !absent.is_empty() {
        return Ok(Step::AwaitKeys { missing: absent });
    }
    let (Some(params), Some(dealings), Some(shares_ok)) = (
        tally.threshold_params(),
        tally.dealings(),
        tally.shares_ok(),
    ) else {
        // n-of-n: the server appends the election key after the last key.
        return Ok(Step::AwaitElectionKey);
    };
    let keys: Vec<PublicKey> = keys.iter().flatten().copied().collect();
    if dealings[member as usize].is_none() {
        let dealing = dkg::deal(&params, &hash, member, key, &keys, rng)
            .expect("the member and every key are checked");
        return Ok(Step::Deal(DealingBody {
            dealing: HexBytes(dealing.to_bytes()),
        }));
    }
    let absent = missing(dealings.iter().map(Option::is_some));
    if !absent.is_empty() {
        return Ok(Step::AwaitDealings { missing: absent });
    }
    if !shares_ok[member as usize] {
        for (i, bytes) in dealings.iter().enumerate() {
            let i = i as u32;
            // A dealer already out of the ceremony needs no second
            // complaint (the log refuses it), and a member never complains
            // about its own dealing (§6.3 `complaint`).
            if tally.disqualified(i) || i == member {
                continue;
            }
            let bytes = bytes.as_deref().expect("every member has dealt");
            let verified = Dealing::from_bytes(bytes, &params)
                .ok()
                .and_then(|d| d.verify(&params, &hash, i, &keys[i as usize]).ok())
                .expect("the log's rules checked every dealing");
            if let Err(complaint) = verified.open(&hash, member, key, rng) {
                return Ok(Step::Complain {
                    dealer: i,
                    body: ComplaintBody {
                        complaint: Hex(complaint.to_bytes()),
                    },
                });
            }
        }
        let d = tally.dealings_hash().expect("every member has dealt");
        let signature = key.sign(SHARES_OK_CONTEXT, &shares_ok_message(&hash, &d), rng);
        return Ok(Step::SharesOk(StatementBody {
            signer: member,
            signature: Hex(signature.to_bytes()),
        }));
    }
    let absent = missing(shares_ok.iter().copied());
    if !absent.is_empty() {
        return Ok(Step::AwaitSharesOk { missing: absent });
    }
    let q = tally.qualification().expect("every member has dealt");
    let qualified = q.qualified().len() as u32;
    if qualified < params.t() {
        return Ok(Step::TooFewQualified {
            qualified,
            needed: params.t(),
        });
    }
    Ok(Step::AwaitElectionKey)
}

/// The member's partial decryption of the totals, once voting is closed:
/// with its trustee key (n-of-n) or with its share `x_j`, rebuilt from the
/// dealings in the log and its trustee key (threshold, §10.8).
pub fn decryption(
    tally: &Tally,
    member: u32,
    key: &TrusteeKey,
    rng: &mut impl CryptoRngCore,
) -> Result<DecryptionBody, MemberError> {
    let hash = tally.election_hash().ok_or(MemberError::NoElection)?;
    if !registered(tally, member, key)? {
        return Err(MemberError::WrongKey(member));
    }
    if tally.phase() != Phase::Closed {
        return Err(MemberError::NotClosed);
    }
    if tally.decrypted_by().get(member as usize) == Some(&true) {
        return Err(MemberError::AlreadyDecrypted(member));
    }
    let totals = tally.totals();
    let parts = match tally.threshold_public() {
        None => key.partial_decrypt(&hash, member, totals, rng),
        Some(public) => {
            if !public.is_qualified(member) {
                return Err(MemberError::NotQualified(member));
            }
            let q = tally.qualification().expect("the key ceremony is over");
            let share = q
                .secret_share(&hash, member, key, rng)
                .map_err(|e| match e {
                    DkgError::BadShare { dealer } => MemberError::BadShare { dealer },
                    _ => MemberError::NotQualified(member),
                })?;
            share.partial_decrypt(&hash, totals, rng)
        }
    };
    Ok(DecryptionBody {
        trustee: member,
        shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
    })
}

/// How many more valid partial decryptions the count needs before the
/// result can be computed: `t − |V|` under the threshold ceremony, the
/// members that have not decrypted under n-of-n; 0 when it can.
pub fn decryptions_needed(tally: &Tally) -> u32 {
    let done = tally.decrypted_by().iter().filter(|d| **d).count();
    match tally.threshold_params() {
        Some(params) => dkg::more_needed(&params, done),
        None => (tally.decrypted_by().len() - done) as u32,
    }
}

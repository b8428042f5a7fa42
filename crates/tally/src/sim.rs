//! A whole meeting run in memory by its actors: the server (which seals
//! lines), the committee (trustee keys, statements, credentials, decryption)
//! and the voters. Used by `tinnhiem simulate`, the tests and the benchmarks,
//! and as the reference for what the HTTP server does at each step. Every
//! line it makes is pushed through [`Tally`], so it cannot make a log that
//! the verifier would refuse without saying so.

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use tinnhiem_core::ballot::{Ballot, Choice, SealedBallot};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::dkg::{self, Dealing, ThresholdKey, DEALING_CONTEXT};
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::encoding::{base32, hex};
use tinnhiem_core::log::{
    entry_hash, head_message, is_anchor, parse_line, shares_ok_message, AuditBody, Candidate,
    CloseBody, ComplaintBody, CredentialsBody, DealingBody, DecryptionBody, ElectionBody,
    ElectionKeyBody, Entry, Hex, HexBytes, Payload, QuorumBody, Refused, ResultBody, StatementBody,
    TrusteeKeyBody, SERVER_HEAD_CONTEXT, SHARES_OK_CONTEXT,
};
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_core::trustee::{combine, TrusteeKey};

use crate::state::{ExclusionReason, Prechecked, Pushed, Tally, VerifyError};

/// What a voter gets back for an acknowledged ballot (docs/INTERFACES.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The ballot's tracking code.
    pub tracking: String,
    /// The ballot's line.
    pub seq: u64,
    /// SHA-256 of that line, hex.
    pub entry_hash: String,
    /// The head after the append, hex.
    pub head: String,
    /// The server's signature on the head (context `log-head`), hex.
    pub head_signature: String,
}

/// The set-up of a meeting.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Election id (`[a-z0-9-]`); `None` makes a random one.
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Candidates.
    pub candidates: Vec<Candidate>,
    /// People summoned.
    pub summoned: u32,
    /// Committee members' names (one trustee each).
    pub trustees: Vec<String>,
}

/// A meeting in progress: the log so far and every actor's secrets.
pub struct Meeting {
    /// The server's signing key for this election.
    pub server: SecretKey,
    /// The committee's key shares.
    pub trustees: Vec<TrusteeKey>,
    /// The log's lines (without newlines).
    pub lines: Vec<Vec<u8>>,
    /// The verifier's state after every line.
    pub tally: Tally,
    /// The election id.
    pub id: String,
    /// What the server refused so far.
    pub refused: Refused,
    /// Under the threshold ceremony, each member's share `x_j` of the
    /// election key (`None` for a member that could not rebuild it); empty
    /// for an n-of-n meeting.
    pub threshold_keys: Vec<Option<ThresholdKey>>,
}

/// How a threshold meeting's key ceremony runs (PROTOCOL.md §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The threshold `t`, `1 ≤ t ≤ n`.
    pub t: u32,
    /// A member whose dealing gives a wrong share to the next member
    /// (`(i + 1) mod n`), who then complains: the dealer is disqualified.
    pub bad_dealer: Option<u32>,
}

/// Why the simulated server refused a ballot.
pub type Refusal = ExclusionReason;

/// A random election id: lowercase Crockford base32 of 16 random bytes.
pub fn random_id(rng: &mut impl CryptoRngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    base32(&b).to_ascii_lowercase()
}

impl Meeting {
    /// Creates the election and runs the key ceremony (line 0, one key
    /// share per trustee, the election key).
    pub fn create(setup: Setup, rng: &mut impl CryptoRngCore) -> Result<Meeting, VerifyError> {
        let mut m = Meeting::begin(setup, None, rng)?;
        let keys: Vec<_> = m.trustees.iter().map(TrusteeKey::public).collect();
        let y = combine(&keys).compress().to_bytes();
        m.append(Payload::ElectionKey(ElectionKeyBody { key: Hex(y) }), rng)?;
        Ok(m)
    }

    /// Creates the election with a t-of-n committee and runs the threshold
    /// ceremony (PROTOCOL.md §6.3, §10): line 0 with `threshold`, every
    /// member's trustee key, every member's dealing, a complaint for every
    /// share that does not check, every member's `shares_ok`, and the
    /// election key of the qualified dealers.
    pub fn create_threshold(
        setup: Setup,
        threshold: Threshold,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Meeting, VerifyError> {
        let mut m = Meeting::begin(setup, Some(threshold.t), rng)?;
        let n = m.trustees.len() as u32;
        let params = m.tally.threshold_params().expect("threshold");
        let hash = m.election_hash();
        let keys: Vec<_> = m.trustees.iter().map(TrusteeKey::public).collect();
        let mut dealings = Vec::new();
        for i in 0..n {
            let mut d = dkg::deal(&params, &hash, i, &m.trustees[i as usize], &keys, rng)
                .expect("a member deals");
            if threshold.bad_dealer == Some(i) {
                d.shares[((i + 1) % n) as usize].ciphertext[0] ^= 1;
                let bytes = d.to_bytes();
                let mut msg = hash.to_vec();
                msg.extend_from_slice(&bytes[..bytes.len() - 64]);
                d.signature = m.trustees[i as usize].sign(DEALING_CONTEXT, &msg, rng);
            }
            let bytes = d.to_bytes();
            m.append(
                Payload::Dealing(DealingBody {
                    dealing: HexBytes(bytes.clone()),
                }),
                rng,
            )?;
            dealings.push(bytes);
        }
        let dealings_hash = m.tally.head();
        let mut complaints = Vec::new();
        for j in 0..n {
            for d in &dealings {
                let dealing = Dealing::from_bytes(d, &params).expect("appended");
                let key = m.tally.trustee_keys()[dealing.dealer as usize].expect("published");
                let verified = dealing
                    .verify(&params, &hash, dealing.dealer, &key)
                    .expect("appended");
                if let Err(c) = verified.open(&hash, j, &m.trustees[j as usize], rng) {
                    m.append(
                        Payload::Complaint(ComplaintBody {
                            complaint: Hex(c.to_bytes()),
                        }),
                        rng,
                    )?;
                    complaints.push(*c);
                }
            }
        }
        for j in 0..n {
            let signature = m.trustees[j as usize].sign(
                SHARES_OK_CONTEXT,
                &shares_ok_message(&hash, &dealings_hash),
                rng,
            );
            m.append(
                Payload::SharesOk(StatementBody {
                    signer: j,
                    signature: Hex(signature.to_bytes()),
                }),
                rng,
            )?;
        }
        let slices: Vec<Option<&[u8]>> = dealings.iter().map(|d| Some(d.as_slice())).collect();
        let q = dkg::qualify(&params, &hash, &keys, &slices, &complaints).expect("n dealings");
        let public = match q.public() {
            Ok(p) => p,
            Err(_) => {
                // Too few qualified dealers: the key of those that qualified
                // is appended anyway, and the verifier says why it fails.
                let mut y = tinnhiem_core::RistrettoPoint::default();
                for i in q.qualified() {
                    let d = Dealing::from_bytes(&dealings[i as usize], &params).expect("appended");
                    y += d
                        .verify(&params, &hash, i, &keys[i as usize])
                        .expect("appended")
                        .commitments()[0];
                }
                let key = Hex(y.compress().to_bytes());
                m.append(Payload::ElectionKey(ElectionKeyBody { key }), rng)?;
                unreachable!("the verifier accepted an election key of too few dealers");
            }
        };
        m.threshold_keys = (0..n)
            .map(|j| q.secret_share(&hash, j, &m.trustees[j as usize], rng).ok())
            .collect();
        let y = Hex(*public.election_key().as_bytes());
        m.append(Payload::ElectionKey(ElectionKeyBody { key: y }), rng)?;
        Ok(m)
    }

    /// Every member takes its next step of the key ceremony
    /// ([`crate::member::next_step`]) in turn, in `order` (repeated), until
    /// none has anything to post; then the election key of the qualified
    /// dealers is appended, as the server does, if enough qualified. Returns
    /// each member's last step.
    pub fn run_member_steps(
        &mut self,
        order: &[u32],
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<crate::member::Step>, VerifyError> {
        use crate::member::{next_step, Step};
        let mut last = vec![Step::Register; self.trustees.len()];
        loop {
            let mut posted = false;
            for &j in order {
                let step = next_step(&self.tally, j, &self.trustees[j as usize], rng)
                    .expect("a member of this meeting with its own key");
                last[j as usize] = step.clone();
                let payload = match step {
                    Step::Deal(b) => Payload::Dealing(b),
                    Step::Complain { body, .. } => Payload::Complaint(body),
                    Step::SharesOk(b) => Payload::SharesOk(b),
                    _ => continue,
                };
                self.append(payload, rng)?;
                posted = true;
            }
            if !posted {
                break;
            }
        }
        self.append_qualified_election_key(rng)?;
        Ok(last)
    }

    /// Appends the election key of the qualified dealers (`Σ_{i∈Q} A_i0`,
    /// PROTOCOL.md §10.8) as the server does after the last `shares_ok`;
    /// false, appending nothing, while some member has not dealt or when
    /// too few dealers qualified.
    pub fn append_qualified_election_key(
        &mut self,
        rng: &mut impl CryptoRngCore,
    ) -> Result<bool, VerifyError> {
        let Some(Ok(public)) = self.tally.qualification().map(|q| q.public()) else {
            return Ok(false);
        };
        let key = Hex(*public.election_key().as_bytes());
        self.append(Payload::ElectionKey(ElectionKeyBody { key }), rng)?;
        Ok(true)
    }

    /// A simple vote for tests and examples: `present` people recorded,
    /// `voters` credentials issued, voting opened, voter `v` marks candidate
    /// `j` with level `(v + j) mod 3` (high, confidence, low), voting
    /// closed. Returns the counts those ballots make, per candidate
    /// `[high, confidence, low]`.
    pub fn vote_in_turn(
        &mut self,
        present: u32,
        voters: usize,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<[u64; 3]>, VerifyError> {
        use tinnhiem_core::ballot::Level;
        self.record_quorum(present, rng)?;
        let creds = self.issue_credentials(voters, rng)?;
        self.open(rng)?;
        let marks = [Level::High, Level::Confidence, Level::Low];
        let candidates = self.tally.election().expect("line 0").candidates.len();
        let mut expected = vec![[0u64; 3]; candidates];
        for (v, c) in creds.iter().enumerate() {
            let choices: Vec<Choice> = (0..candidates).map(|j| Some(marks[(v + j) % 3])).collect();
            for (j, row) in expected.iter_mut().enumerate() {
                row[(v + j) % 3] += 1;
            }
            let b = self.fill(c, &choices, None, rng);
            self.submit(b, rng)
                .expect("a ballot of an issued credential");
        }
        self.close(rng)?;
        Ok(expected)
    }

    /// Line 0 (with `threshold` when given) and every trustee key: the
    /// meeting before any dealing, for a test that runs the members' side
    /// itself ([`crate::member`]).
    pub fn begin(
        setup: Setup,
        threshold: Option<u32>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Meeting, VerifyError> {
        let server = SecretKey::random(rng);
        let id = setup.id.clone().unwrap_or_else(|| random_id(rng));
        let body = ElectionBody {
            id: id.clone(),
            title: setup.title,
            unit: setup.unit,
            date: setup.date,
            candidates: setup.candidates,
            summoned: setup.summoned,
            trustees: setup.trustees,
            threshold,
            dossier: None,
            server_key: Hex(*server.public().as_bytes()),
        };
        let n = body.trustees.len();
        let mut m = Meeting {
            server,
            trustees: Vec::new(),
            lines: Vec::new(),
            tally: Tally::new(),
            id,
            refused: Refused::default(),
            threshold_keys: Vec::new(),
        };
        m.append(Payload::Election(body), rng)?;
        let hash = m.tally.election_hash().expect("line 0");
        for i in 0..n {
            let t = TrusteeKey::generate(rng);
            let share = t.key_share(&hash, i as u32, rng);
            m.append(
                Payload::TrusteeKey(TrusteeKeyBody {
                    trustee: i as u32,
                    key: Hex(*share.key.as_bytes()),
                    proof: Hex(share.proof.to_bytes()),
                }),
                rng,
            )?;
            m.trustees.push(t);
        }
        Ok(m)
    }

    /// Seals `payload` as the next line and pushes it through the verifier.
    pub fn append(
        &mut self,
        payload: Payload,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        let (_, line) = Entry::seal(
            self.lines.len() as u64,
            self.tally.head(),
            payload,
            &self.server,
            rng,
        );
        let pushed = self.tally.push(&line, rng)?;
        self.lines.push(line);
        Ok(pushed)
    }

    /// [`Meeting::append`] for a ballot that [`Tally::check_ballot`] has
    /// just verified against the current state (`cts` is what it returned).
    /// The sealed line is decoded and pushed through the verifier like any
    /// other (chain, server signature, credential), but when it decodes to
    /// the very ballot that was checked, its signature and proofs are not
    /// verified a second time.
    fn append_checked_ballot(
        &mut self,
        ballot: Ballot,
        cts: Vec<[Ciphertext; 3]>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        let (sealed, line) = Entry::seal(
            self.lines.len() as u64,
            self.tally.head(),
            Payload::Ballot(ballot),
            &self.server,
            rng,
        );
        let pushed = match parse_line(&line) {
            Ok(entry) if entry == sealed => self.tally.apply(
                &line,
                Prechecked {
                    entry,
                    server_sig: false,
                    ballot: Some(cts),
                },
                rng,
            )?,
            _ => self.tally.push(&line, rng)?,
        };
        self.lines.push(line);
        Ok(pushed)
    }

    /// Seals a line without any check (for tests that force bad entries
    /// into a log, as a compromised server could).
    ///
    /// The line is still pushed through the verifier, whatever it says, so
    /// that the meeting can go on after an entry the tally only excludes (a
    /// forged or repeated ballot). After a line the verifier refuses, its
    /// state stays behind the log and every later [`Meeting::append`] fails,
    /// as verification of the log itself does.
    pub fn force(&mut self, payload: Payload, rng: &mut impl CryptoRngCore) -> Vec<u8> {
        let prev = self.lines.last().map_or([0; 32], |l| entry_hash(l));
        let (_, line) = Entry::seal(self.lines.len() as u64, prev, payload, &self.server, rng);
        let _ = self.tally.push(&line, rng);
        self.lines.push(line.clone());
        line
    }

    fn election_hash(&self) -> [u8; 32] {
        self.tally.election_hash().expect("line 0")
    }

    /// The anchor of a statement appended next (PROTOCOL.md §5.3): the
    /// entry hash of the last line of [`Meeting::lines`] that is not a
    /// ballot. Read from the lines themselves, so that it follows a test
    /// that removes or forces lines.
    pub fn anchor(&self) -> [u8; 32] {
        self.lines
            .iter()
            .rev()
            .find(|l| parse_line(l).map_or(true, |e| is_anchor(&e.payload)))
            .map_or([0; 32], |l| entry_hash(l))
    }

    /// The member who signs the simulated committee's statements: the first
    /// one not disqualified in the key ceremony (a disqualified member signs
    /// nothing, PROTOCOL.md §5.3).
    pub fn signer(&self) -> u32 {
        (0..self.trustees.len() as u32)
            .find(|i| !self.tally.disqualified(*i))
            .unwrap_or(0)
    }

    /// Signs a committee statement as trustee `signer`, for the next place
    /// in the log ([`Meeting::anchor`]), and returns the signature (the
    /// payload's own signature field is replaced).
    pub fn sign_statement(
        &self,
        signer: u32,
        payload: &Payload,
        rng: &mut impl CryptoRngCore,
    ) -> Hex<64> {
        let (context, message, _, _) = payload
            .statement(&self.election_hash(), &self.anchor())
            .expect("a statement");
        Hex(self.trustees[signer as usize]
            .sign(context, &message, rng)
            .to_bytes())
    }

    /// Records attendance (R2), signed by [`Meeting::signer`].
    pub fn record_quorum(
        &mut self,
        present: u32,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), VerifyError> {
        let mut body = QuorumBody {
            present,
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        body.signature = self.sign_statement(body.signer, &Payload::Quorum(body.clone()), rng);
        self.append(Payload::Quorum(body), rng).map(|_| ())
    }

    /// Makes `n` credentials and publishes their public parts (R3).
    pub fn issue_credentials(
        &mut self,
        n: usize,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<Credential>, VerifyError> {
        let creds: Vec<Credential> = (0..n).map(|_| Credential::generate(rng)).collect();
        let refs: Vec<&Credential> = creds.iter().collect();
        let entry = self.credentials_entry(&refs, false, rng);
        self.append(entry, rng)?;
        Ok(creds)
    }

    /// Cancels the slips of these credentials (a `cancel` entry signed by
    /// trustee 0): a slip torn, lost or misprinted before it was used.
    pub fn cancel_credentials(
        &mut self,
        credentials: &[&Credential],
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), VerifyError> {
        let entry = self.credentials_entry(credentials, true, rng);
        self.append(entry, rng).map(|_| ())
    }

    /// A `credentials` entry publishing these credentials (with `cancel`, a
    /// `cancel` entry cancelling them), signed by [`Meeting::signer`] for the next
    /// place in the log.
    pub fn credentials_entry(
        &self,
        credentials: &[&Credential],
        cancel: bool,
        rng: &mut impl CryptoRngCore,
    ) -> Payload {
        let mut body = CredentialsBody {
            credentials: credentials
                .iter()
                .map(|c| Hex(*c.public(&self.id).as_bytes()))
                .collect(),
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        let wrap = if cancel {
            Payload::Cancel
        } else {
            Payload::Credentials
        };
        body.signature = self.sign_statement(body.signer, &wrap(body.clone()), rng);
        wrap(body)
    }

    /// Opens voting.
    pub fn open(&mut self, rng: &mut impl CryptoRngCore) -> Result<(), VerifyError> {
        let mut body = StatementBody {
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        body.signature = self.sign_statement(body.signer, &Payload::Open(body.clone()), rng);
        self.append(Payload::Open(body), rng).map(|_| ())
    }

    /// Fills in a ballot with `credential`, as the voter's device does.
    pub fn fill(
        &self,
        credential: &Credential,
        choices: &[Choice],
        signed_by: Option<String>,
        rng: &mut impl CryptoRngCore,
    ) -> Ballot {
        let ctx = self.tally.ballot_context().expect("election key published");
        Ballot::cast(&ctx, &self.id, credential, choices, signed_by, rng)
    }

    /// Seals a ballot as the voter's page does before showing its seal code
    /// (PROTOCOL.md §5.6): cast it with [`SealedBallot::into_ballot`] or
    /// open it with [`Meeting::audit`].
    pub fn seal(
        &self,
        credential: &Credential,
        choices: &[Choice],
        rng: &mut impl CryptoRngCore,
    ) -> SealedBallot {
        let ctx = self.tally.ballot_context().expect("election key published");
        SealedBallot::seal(&ctx, &self.id, credential, choices, None, rng)
    }

    /// Appends an `audit` line now (the server defers them to the close:
    /// [`Meeting::close_with_audits`]).
    pub fn audit(
        &mut self,
        body: AuditBody,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        self.append(Payload::Audit(body), rng)
    }

    /// Closes voting as the server does when audits are pending: the
    /// committee signs the `close` first, then the audits are appended
    /// sorted by seal digest (bytes ascending), then the `close` (PROTOCOL.md
    /// §6.3 `audit`). The audits are not anchors, so the signature holds.
    pub fn close_with_audits(
        &mut self,
        audits: Vec<AuditBody>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), VerifyError> {
        let mut body = CloseBody {
            refused: self.refused,
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        body.signature = self.sign_statement(body.signer, &Payload::Close(body.clone()), rng);
        let hash = self.election_hash();
        let mut audits = audits;
        audits.sort_by_key(|a| a.seal_digest(&hash));
        for a in audits {
            self.audit(a, rng)?;
        }
        self.append(Payload::Close(body), rng).map(|_| ())
    }

    /// The server's handling of a cast ballot: refuse it (and count the
    /// refusal) or append it and return the receipt.
    pub fn submit(
        &mut self,
        ballot: Ballot,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Receipt, Refusal> {
        let cts = match self.tally.check_ballot(&ballot, rng) {
            Ok(cts) => cts,
            Err(r) => {
                match r {
                    ExclusionReason::NotIssued => self.refused.forged += 1,
                    ExclusionReason::Repeated(_) => self.refused.repeated += 1,
                    _ => {}
                }
                return Err(r);
            }
        };
        let ctx = self.tally.ballot_context().expect("voting");
        let tracking = tinnhiem_core::ballot::tracking_code(&ballot.digest(&ctx));
        match self.append_checked_ballot(ballot, cts, rng) {
            Ok(Pushed::Accepted) => {}
            Ok(Pushed::Excluded(r)) => return Err(r),
            Err(e) => unreachable!("a checked ballot always appends: {e}"),
        }
        let seq = self.lines.len() as u64 - 1;
        let head = self.tally.head();
        let sig = self
            .server
            .sign(SERVER_HEAD_CONTEXT, &head_message(&head, seq), rng);
        Ok(Receipt {
            tracking,
            seq,
            entry_hash: hex(&head),
            head: hex(&head),
            head_signature: hex(&sig.to_bytes()),
        })
    }

    /// Closes voting, recording what was refused.
    pub fn close(&mut self, rng: &mut impl CryptoRngCore) -> Result<(), VerifyError> {
        let mut body = CloseBody {
            refused: self.refused,
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        body.signature = self.sign_statement(body.signer, &Payload::Close(body.clone()), rng);
        self.append(Payload::Close(body), rng).map(|_| ())
    }

    /// Every trustee's partial decryption (under the threshold ceremony,
    /// every qualified member's), then the result.
    pub fn decrypt(&mut self, rng: &mut impl CryptoRngCore) -> Result<(), VerifyError> {
        let members: Vec<u32> = match self.tally.threshold_public() {
            None => (0..self.trustees.len() as u32).collect(),
            Some(p) => p.qualified().to_vec(),
        };
        self.decrypt_by(&members, rng)
    }

    /// The partial decryptions of `members`, in that order, then the result.
    pub fn decrypt_by(
        &mut self,
        members: &[u32],
        rng: &mut impl CryptoRngCore,
    ) -> Result<(), VerifyError> {
        for &i in members {
            let body = self.partial_decryption(i, rng);
            self.append(Payload::Decryption(body), rng)?;
        }
        self.publish_result(rng)
    }

    /// Member `member`'s partial decryption of the current totals: with its
    /// trustee key (n-of-n) or its share `x_j` (threshold ceremony).
    ///
    /// # Panics
    ///
    /// If the member has no share of the election key.
    pub fn partial_decryption(&self, member: u32, rng: &mut impl CryptoRngCore) -> DecryptionBody {
        let hash = self.election_hash();
        let totals = self.tally.totals().to_vec();
        let parts = if self.tally.threshold_params().is_none() {
            self.trustees[member as usize].partial_decrypt(&hash, member, &totals, rng)
        } else {
            self.threshold_keys
                .get(member as usize)
                .and_then(Option::as_ref)
                .expect("the member rebuilt its share")
                .partial_decrypt(&hash, &totals, rng)
        };
        DecryptionBody {
            trustee: member,
            shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
        }
    }

    /// The result, signed by trustee 0, from the partial decryptions
    /// published so far.
    pub fn publish_result(&mut self, rng: &mut impl CryptoRngCore) -> Result<(), VerifyError> {
        let counts = self
            .tally
            .decrypted_counts()
            .map_err(|reason| VerifyError {
                seq: self.lines.len() as u64,
                reason,
            })?;
        let mut body = ResultBody {
            counts,
            signer: self.signer(),
            signature: Hex([0; 64]),
        };
        body.signature = self.sign_statement(body.signer, &Payload::Result(body.clone()), rng);
        self.append(Payload::Result(body), rng).map(|_| ())
    }

    /// The log as JSON Lines.
    pub fn log_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.lines.iter().map(|l| l.len() + 1).sum());
        for l in &self.lines {
            out.extend_from_slice(l);
            out.push(b'\n');
        }
        out
    }
}

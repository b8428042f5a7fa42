//! `tinnhiem committee ...`: the counting committee's ceremony from a
//! terminal, each member on his or her own computer. The key share is made
//! here and kept in a key file on that computer; the server only ever sees
//! public keys, signed statements and proofs.
//!
//! Under the threshold ceremony (PROTOCOL.md §5.4, §10) `ceremony` takes the
//! member's steps after `keygen` (dealing, complaints, `shares_ok`): each
//! time it downloads and verifies the log and asks
//! [`tinnhiem_tally::member::next_step`] what is left, so the key file and
//! the log are the only state: a command interrupted mid-ceremony is run
//! again and goes on from where the log says it stopped.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use hyper::Method;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{
    CloseBody, CredentialsBody, Hex, Payload, QuorumBody, Refused, ResultBody, StatementBody,
};
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_tally::member::{self, MemberError, Step};
use tinnhiem_tally::{Phase, Tally};
use zeroize::Zeroizing;

use crate::client::Client;
use tinnhiem_server::election::ElectionView;

/// Where and as whom.
#[derive(clap::Args, Debug)]
pub struct Common {
    /// The server (`http://host:port`, or `https://host:port` with --ca).
    #[arg(long)]
    pub server: String,
    #[command(flatten)]
    pub trust: super::Trust,
    /// The member's key file (made by `keygen`; keep it private).
    #[arg(long)]
    pub key_file: PathBuf,
}

/// The committee's actions.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Make a key share, enroll its public part with the enrollment code, and
    /// write the key file.
    Keygen {
        /// The server (`http://host:port`, or `https://host:port` with --ca).
        #[arg(long)]
        server: String,
        #[command(flatten)]
        trust: super::Trust,
        /// The election id.
        #[arg(long)]
        election: String,
        /// The member's position in the committee (from 0).
        #[arg(long)]
        member: u32,
        /// The enrollment code handed out at creation.
        #[arg(long)]
        code: String,
        /// Where to write the key file (must not exist).
        #[arg(long)]
        key_file: PathBuf,
    },
    /// The key ceremony after `keygen` (threshold committee): publish this
    /// member's dealing, complain about a share that does not check, confirm
    /// the shares (`shares_ok`), as the verified log says is left to do.
    /// Without --wait it stops at the first step that waits for other
    /// members; run it again (it resumes from the log) or add --wait.
    Ceremony {
        #[command(flatten)]
        common: Common,
        /// Keep going until the election key is in the log, looking at the
        /// log again every --interval seconds while other members are
        /// awaited.
        #[arg(long)]
        wait: bool,
        /// Seconds between two looks at the log with --wait.
        #[arg(long, default_value_t = 2.0, value_parser = interval_seconds)]
        interval: f64,
    },
    /// Record attendance (R2).
    Quorum {
        #[command(flatten)]
        common: Common,
        /// People present.
        #[arg(long)]
        present: u32,
    },
    /// Make N credentials, publish their public parts, write the printable sheet.
    Credentials {
        #[command(flatten)]
        common: Common,
        /// How many (one per person present).
        #[arg(long)]
        count: u32,
        /// Where to write the sheet (HTML, print it, then delete it).
        #[arg(long)]
        out: PathBuf,
        /// The address voters' phones use to reach the server (default: --server).
        #[arg(long)]
        voter_base: Option<String>,
    },
    /// Cancel unused slips (torn, lost, misprinted): a signed `cancel`
    /// entry, after which as many new slips may be issued with
    /// `credentials`, within the attendance. Name the slips by the number
    /// printed on them (--numbers), or by their public credentials.
    Cancel {
        #[command(flatten)]
        common: Common,
        /// The slips' numbers as printed on them ("№ 3"), comma-separated:
        /// with --sheet, the numbers on that sheet; without, the numbers
        /// `credentials` prints (the slip's place among every credential
        /// the log publishes, from 1).
        #[arg(
            long,
            value_delimiter = ',',
            required_unless_present = "credentials",
            conflicts_with = "credentials"
        )]
        numbers: Vec<u64>,
        /// The sheet file (from `credentials --out`) the slips were printed
        /// from; their public credentials are computed from it, and nothing
        /// is written.
        #[arg(long, requires = "numbers")]
        sheet: Option<PathBuf>,
        /// The slips' public credentials (64 hex digits each), comma-separated.
        #[arg(long, value_delimiter = ',')]
        credentials: Vec<String>,
    },
    /// Open voting.
    Open {
        #[command(flatten)]
        common: Common,
    },
    /// Close voting.
    Close {
        #[command(flatten)]
        common: Common,
    },
    /// Publish this member's partial decryption of the totals (under the
    /// threshold ceremony any t qualified members will do), and say how
    /// many more the count needs.
    Decrypt {
        #[command(flatten)]
        common: Common,
    },
    /// Combine the published decryptions (all n, or any t under the
    /// threshold ceremony) and publish the signed result.
    Result {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    election: String,
    member: u32,
    key: String,
}

struct Member {
    client: Client,
    election: String,
    index: u32,
    key: TrusteeKey,
    hash: [u8; 32],
    view: ElectionView,
}

fn fail(msg: impl std::fmt::Display) -> String {
    msg.to_string()
}

/// `--interval`: a number of seconds, at least 0.05 and at most an hour.
fn interval_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.05..=3600.0).contains(&v) => Ok(v),
        _ => Err("một số giây từ 0.05 đến 3600 (seconds, from 0.05 to 3600)".into()),
    }
}

/// Why this member cannot act on the log, Vietnamese first.
fn member_error(e: &MemberError) -> String {
    match e {
        MemberError::NoElection => {
            "nhật ký chưa có cuộc lấy phiếu (the log has no election yet)".into()
        }
        MemberError::UnknownMember(i) => format!(
            "thành viên {i} không có trong Ban kiểm phiếu: tệp khoá ghi sai số thứ tự \
            (member {i} is not on the committee: the key file names a wrong member)"
        ),
        MemberError::WrongKey(i) => format!(
            "tệp khoá này không phải của thành viên {i}: nhật ký giữ một khoá khác cho thành \
            viên {i}; hãy dùng đúng tệp khoá đã tạo bằng keygen (this key file is not member \
            {i}'s: the log holds another key for member {i}; use the key file keygen wrote)"
        ),
        MemberError::NotClosed => "bỏ phiếu chưa kết thúc: chỉ giải mã sau khi đóng bỏ phiếu \
            (voting is not closed: decrypt only after close)"
            .into(),
        MemberError::NotQualified(i) => format!(
            "thành viên {i} đã bị loại trong lễ tạo khoá (phần chia khoá của thành viên này bị \
            khiếu nại đúng) nên không được giải mã (member {i} was disqualified in the key \
            ceremony, an upheld complaint against its dealing, and may not decrypt)"
        ),
        MemberError::BadShare { dealer } => format!(
            "phần chia khoá mà thành viên {dealer} gửi cho thành viên này không đúng và đã không \
            bị khiếu nại: không dựng lại được phần khoá để giải mã (the share dealt by member \
            {dealer} to this member does not check and was not complained about: this member \
            cannot rebuild its share to decrypt)"
        ),
        MemberError::AlreadyDecrypted(i) => format!(
            "thành viên {i} đã công bố phần giải mã rồi (member {i} has already published its \
            partial decryption)"
        ),
    }
}

/// "2 (Uỷ viên 3)": members by index (as the commands take them, from 0)
/// and name from line 0.
fn who(tally: &Tally, members: &[u32]) -> String {
    crate::report::members(&tally.committee(), members)
}

/// What a waiting step waits for, Vietnamese first; `None` for a step that
/// does not wait.
fn awaited(tally: &Tally, step: &Step) -> Option<String> {
    Some(match step {
        Step::AwaitKeys { missing } => format!(
            "đang chờ khoá của thành viên {} (waiting for the key of member {})",
            who(tally, missing),
            who(tally, missing)
        ),
        Step::AwaitDealings { missing } => format!(
            "đang chờ phần chia khoá (dealing) của thành viên {} (waiting for the dealing of \
            member {})",
            who(tally, missing),
            who(tally, missing)
        ),
        Step::AwaitSharesOk { missing } => format!(
            "đang chờ xác nhận phần chia (shares_ok) của thành viên {} (waiting for the \
            shares_ok of member {})",
            who(tally, missing),
            who(tally, missing)
        ),
        Step::AwaitElectionKey => "đang chờ máy chủ công bố khoá chung (waiting for the server \
        to publish the election key)"
            .into(),
        _ => return None,
    })
}

async fn load(common: &Common) -> Result<Member, String> {
    let text = Zeroizing::new(std::fs::read_to_string(&common.key_file).map_err(|e| {
        format!(
            "cannot read the key file {}: {e}",
            common.key_file.display()
        )
    })?);
    let kf: KeyFile =
        serde_json::from_str(&text).map_err(|_| "the key file is damaged".to_string())?;
    let secret = Zeroizing::new(
        unhex_array::<32>(&kf.key, "key").map_err(|_| "the key file is damaged".to_string())?,
    );
    let key = TrusteeKey::from_bytes(&secret).map_err(|_| "the key file is damaged".to_string())?;
    let client = common.trust.client(&common.server).map_err(fail)?;
    let view: ElectionView = client
        .call(
            Method::GET,
            &format!("/api/elections/{}", kf.election),
            None::<&()>,
            None,
        )
        .await
        .map_err(fail)?;
    let hash = unhex_array(
        view.election_hash.as_deref().unwrap_or_default(),
        "election_hash",
    )
    .map_err(|_| "the election is not sealed yet".to_string())?;
    Ok(Member {
        client,
        election: kf.election,
        index: kf.member,
        key,
        hash,
        view,
    })
}

impl Member {
    /// Signs a statement for the place after `anchor` (PROTOCOL.md §5.3).
    fn sign(&self, payload: &Payload, anchor: &[u8; 32]) -> Hex<64> {
        let (context, message, _, _) = payload.statement(&self.hash, anchor).expect("a statement");
        Hex(self.key.sign(context, &message, &mut OsRng).to_bytes())
    }

    /// The anchor of the next statement as the view fetched by [`load`]
    /// gives it, for the statements made without downloading the log
    /// (attendance, open, close). A wrong anchor only makes the server
    /// refuse the statement; it cannot move it elsewhere in the log.
    fn view_anchor(&self) -> Result<[u8; 32], String> {
        unhex_array(self.view.anchor.as_deref().unwrap_or_default(), "anchor")
            .map_err(|_| "the election is not sealed yet".to_string())
    }

    async fn post(&self, what: &str, body: &impl Serialize) -> Result<(), String> {
        self.client
            .send(
                Method::POST,
                &format!("/api/elections/{}/{what}", self.election),
                Some(body),
                None,
            )
            .await
            .map(|_| ())
            .map_err(fail)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

async fn act(action: Action) -> Result<String, String> {
    match action {
        Action::Keygen {
            server,
            trust,
            election,
            member,
            code,
            key_file,
        } => {
            let client = trust.client(&server).map_err(fail)?;
            let view: ElectionView = client
                .call(
                    Method::GET,
                    &format!("/api/elections/{election}"),
                    None::<&()>,
                    None,
                )
                .await
                .map_err(fail)?;
            let hash: [u8; 32] = unhex_array(
                view.election_hash.as_deref().unwrap_or_default(),
                "election_hash",
            )
            .map_err(|_| "the organizer has not sealed the election yet".to_string())?;
            let key = TrusteeKey::generate(&mut OsRng);
            let secret = Zeroizing::new(hex(&key.to_bytes()));
            let file = Zeroizing::new(
                serde_json::to_string(&KeyFile {
                    election: election.clone(),
                    member,
                    key: secret.to_string(),
                })
                .expect("serializes"),
            );
            // The file first: a key enrolled but lost could never decrypt.
            write_private(&key_file, file.as_bytes())?;
            let share = key.key_share(&hash, member, &mut OsRng);
            let enrolled = client
                .send(
                    Method::POST,
                    &format!("/api/elections/{election}/trustees"),
                    Some(&json!({"trustee": member, "key": hex(share.key.as_bytes()), "proof": hex(&share.proof.to_bytes()), "code": code})),
                    None,
                )
                .await;
            if let Err(e) = enrolled {
                // The share may be in the log all the same (an answer lost,
                // a refusal after the append): the key file is deleted only
                // when the log shows that this share is not there.
                match share_in_log(&client, &election, member, share.key.as_bytes()).await {
                    Ok(true) => {}
                    Ok(false) => {
                        let _ = std::fs::remove_file(&key_file);
                        return Err(fail(e));
                    }
                    Err(check) => {
                        return Err(format!(
                            "{e}; không kiểm tra được nhật ký nên tệp khoá được giữ lại \
                             (the log could not be checked for this share, so the key file \
                             is kept: {check}): {}",
                            key_file.display()
                        ))
                    }
                }
            }
            let (t, n) = (view.threshold, view.committee.len());
            let next = if view.ceremony.is_some() {
                format!(
                    "\nBan kiểm phiếu: {t}/{n} thành viên cần để giải mã (threshold {t} of {n})\n\
                     Bước tiếp theo (next): tinnhiem committee ceremony --server {server} \
                     --key-file {} --wait",
                    key_file.display()
                )
            } else {
                String::new()
            };
            Ok(format!(
                "Đã đăng ký khoá của thành viên {member} (key share enrolled); key file: {}{next}",
                key_file.display()
            ))
        }
        Action::Ceremony {
            common,
            wait,
            interval,
        } => {
            let m = load(&common).await?;
            ceremony(&m, wait, Duration::from_secs_f64(interval)).await
        }
        Action::Quorum { common, present } => {
            let m = load(&common).await?;
            let mut b = QuorumBody {
                present,
                signer: m.index,
                signature: Hex([0; 64]),
            };
            b.signature = m.sign(&Payload::Quorum(b.clone()), &m.view_anchor()?);
            m.post("quorum", &b).await?;
            Ok(format!(
                "Đã ghi nhận {present} người có mặt (attendance recorded)"
            ))
        }
        Action::Credentials {
            common,
            count,
            out,
            voter_base,
        } => {
            let m = load(&common).await?;
            // The fingerprint printed on every slip comes from the log as
            // this member verifies it, with this member's own share in the
            // election key: never from the server's word (docs/SECURITY.md).
            let (fingerprint, check, tally) = verified_fingerprint(&m).await?;
            let anchor = tally.anchor();
            // Within the attendance: the slips that may vote (issued, less
            // those cancelled) and these together at most the people present.
            let live = tally.issued();
            let present = u64::from(tally.present().unwrap_or(0));
            if u64::from(count) + live > present {
                let left = present.saturating_sub(live);
                return Err(format!(
                    "chỉ còn phát được {left} phiếu mã: có mặt {present}, đã có {live} phiếu mã còn \
                    hiệu lực; phiếu mã hỏng hoặc mất thì huỷ bằng `tinnhiem committee cancel` rồi \
                    phát lại (only {left} more slip(s) may be issued: {present} present, {live} \
                    slip(s) valid; cancel a torn or lost slip with `tinnhiem committee cancel`, \
                    then issue again)"
                ));
            }
            // Numbered on from every slip the log has published, cancelled
            // ones included (src/sheet.rs).
            let first = live + tally.cancelled() + 1;
            let creds: Vec<Credential> = (0..count)
                .map(|_| Credential::generate(&mut OsRng))
                .collect();
            let mut b = CredentialsBody {
                credentials: creds
                    .iter()
                    .map(|c| Hex(*c.public(&m.election).as_bytes()))
                    .collect(),
                signer: m.index,
                signature: Hex([0; 64]),
            };
            b.signature = m.sign(&Payload::Credentials(b.clone()), &anchor);
            let texts: Vec<Zeroizing<String>> = creds.iter().map(|c| c.to_text()).collect();
            let base = voter_base.unwrap_or_else(|| common.server.clone());
            let html = crate::sheet::sheet_html(
                &m.view.title,
                &m.view.unit,
                &base,
                &m.election,
                &fingerprint,
                &check,
                first,
                &texts,
            );
            // The sheet is written before the public parts are posted, so a
            // failure to write never leaves issued credentials nobody holds.
            write_private(&out, html.as_bytes())?;
            m.post("credentials", &b).await.inspect_err(|_| {
                let _ = std::fs::remove_file(&out);
            })?;
            let last = first + u64::from(count) - 1;
            Ok(format!(
                "Đã phát hành {count} phiếu mã, số {first} đến {last}; in tờ mã rồi xoá tệp: {}\n\
                 Issued {count} slip(s), no. {first} to {last}; print the sheet, then delete the \
                 file.",
                out.display()
            ))
        }
        Action::Cancel {
            common,
            numbers,
            sheet,
            credentials,
        } => {
            let m = load(&common).await?;
            cancel(&m, &numbers, sheet.as_deref(), &credentials).await
        }
        Action::Open { common } => {
            let m = load(&common).await?;
            let mut b = StatementBody {
                signer: m.index,
                signature: Hex([0; 64]),
            };
            b.signature = m.sign(&Payload::Open(b.clone()), &m.view_anchor()?);
            m.post("open", &b).await?;
            Ok("Đã mở bỏ phiếu (voting open)".into())
        }
        Action::Close { common } => {
            let m = load(&common).await?;
            let b = CloseBody {
                refused: Refused::default(),
                signer: m.index,
                signature: Hex([0; 64]),
            };
            let signature = m.sign(&Payload::Close(b), &m.view_anchor()?);
            m.post("close", &json!({"signer": m.index, "signature": signature}))
                .await?;
            Ok("Đã kết thúc bỏ phiếu (voting closed)".into())
        }
        Action::Decrypt { common } => {
            let m = load(&common).await?;
            // The totals are recomputed here from the log, every ballot
            // verified, never taken from the server: a server that passed
            // one ballot's ciphertext off as a "total" would otherwise get
            // every member to decrypt that ballot (docs/SECURITY.md).
            let tally = replay(&m).await?;
            if tally.phase() == Phase::Done {
                return Err(
                    "kết quả đã được công bố: không cần giải mã nữa và nhật ký không nhận thêm \
                    phần giải mã (the result is already published: no more partial decryption \
                    is needed or accepted)"
                        .into(),
                );
            }
            let needed = member::decryptions_needed(&tally);
            let body = match member::decryption(&tally, m.index, &m.key, &mut OsRng) {
                Ok(body) => body,
                // Run again after an answer that was lost: nothing to do.
                Err(MemberError::AlreadyDecrypted(_)) => {
                    return Ok(format!(
                        "Phần giải mã của thành viên này đã có trong nhật ký (this member's \
                        partial decryption is already in the log). {}",
                        still_needed(needed)
                    ))
                }
                Err(MemberError::NotClosed) => {
                    return Err(format!(
                        "{} — nhật ký đang ở giai đoạn {:?} (the log is in phase {:?})",
                        member_error(&MemberError::NotClosed),
                        tally.phase(),
                        tally.phase()
                    ))
                }
                Err(e) => return Err(member_error(&e)),
            };
            m.post("decryptions", &body).await?;
            Ok(format!(
                "Đã công bố phần giải mã (partial decryption published). {}",
                still_needed(needed.saturating_sub(1))
            ))
        }
        Action::Result { common } => {
            let m = load(&common).await?;
            let tally = replay(&m).await?;
            if tally.phase() == Phase::Done {
                return Ok("Kết quả đã có trong nhật ký (the result is already published)".into());
            }
            let needed = member::decryptions_needed(&tally);
            if tally.phase() == Phase::Closed && needed > 0 {
                return Err(format!(
                    "chưa đủ phần giải mã để tính kết quả (not enough partial decryptions to \
                    compute the result). {}",
                    still_needed(needed)
                ));
            }
            let counts = tally.decrypted_counts().map_err(fail)?;
            let mut b = ResultBody {
                counts,
                signer: m.index,
                signature: Hex([0; 64]),
            };
            b.signature = m.sign(&Payload::Result(b.clone()), &tally.anchor());
            m.post("result", &b).await?;
            let by: Vec<u32> = (0..)
                .zip(tally.decrypted_by())
                .filter(|(_, d)| *d)
                .map(|(i, _)| i)
                .collect();
            Ok(format!(
                "Đã công bố kết quả (result published); giải mã bởi thành viên {} (decrypted by \
                member {})",
                who(&tally, &by),
                who(&tally, &by)
            ))
        }
    }
}

/// "còn cần 1 thành viên giải mã nữa (1 more member must decrypt)", or that
/// the result can be published.
fn still_needed(needed: u32) -> String {
    if needed == 0 {
        "Đã đủ phần giải mã: công bố kết quả bằng `tinnhiem committee result` (enough partial \
        decryptions: publish the result with `tinnhiem committee result`)"
            .into()
    } else {
        format!(
            "Còn cần {needed} thành viên giải mã nữa (the count needs {needed} more member(s) \
            to decrypt)"
        )
    }
}

/// The member's side of the key ceremony, step by step from the verified
/// log (module documentation). Each step that posts something prints a
/// line; a wait prints what it waits for, once each time that changes.
async fn ceremony(m: &Member, wait: bool, interval: Duration) -> Result<String, String> {
    let mut shown: Option<String> = None;
    loop {
        let tally = replay(m).await?;
        let step =
            member::next_step(&tally, m.index, &m.key, &mut OsRng).map_err(|e| member_error(&e))?;
        if let Some(waiting) = awaited(&tally, &step) {
            let line = format!("Thành viên {}: {waiting}", m.index);
            if !wait {
                return Ok(format!(
                    "{line}\nChưa xong: chạy lại lệnh này sau, hoặc thêm --wait (not finished: \
                    run this command again later, or add --wait)"
                ));
            }
            if shown.as_ref() != Some(&line) {
                say(&line);
                shown = Some(line);
            }
            tokio::time::sleep(interval).await;
            continue;
        }
        shown = None;
        match step {
            Step::Register => {
                return Err(format!(
                    "khoá trong tệp khoá chưa được đăng ký cho thành viên {i}: đăng ký bằng \
                    `tinnhiem committee keygen` với mã đăng ký và một tệp khoá mới (the key in \
                    this key file is not enrolled for member {i}: enroll with `tinnhiem \
                    committee keygen`, the enrollment code and a new key file)",
                    i = m.index
                ))
            }
            Step::Deal(body) => {
                m.post("dealings", &body).await?;
                say(&format!(
                    "Thành viên {}: đã công bố phần chia khoá (dealing published)",
                    m.index
                ));
            }
            Step::Complain { dealer, body } => {
                if let Err(e) = m.post("complaints", &body).await {
                    // Another member's complaint against the same dealer
                    // may have come first: the dealer is out, and the log
                    // takes one upheld complaint per dealer.
                    let now = replay(m).await?;
                    if now.disqualified(dealer) {
                        say(&format!(
                            "Thành viên {}: thành viên {} đã bị loại do khiếu nại của thành viên \
                            khác (member {} is already disqualified by another member's complaint)",
                            m.index,
                            who(&now, &[dealer]),
                            who(&now, &[dealer])
                        ));
                        continue;
                    }
                    return Err(e);
                }
                say(&format!(
                    "Thành viên {}: phần chia khoá của thành viên {} không đúng, đã gửi khiếu \
                    nại (the share dealt by member {} does not check: complaint published)",
                    m.index,
                    who(&tally, &[dealer]),
                    who(&tally, &[dealer])
                ));
            }
            Step::SharesOk(body) => {
                m.post("shares_ok", &body).await?;
                say(&format!(
                    "Thành viên {}: đã xác nhận các phần chia khoá (shares_ok published)",
                    m.index
                ));
            }
            Step::TooFewQualified { qualified, needed } => {
                return Err(format!(
                    "chỉ {qualified} thành viên hợp lệ sau các khiếu nại, cần ít nhất {needed}: \
                    lễ tạo khoá không thành, phải tạo lại cuộc lấy phiếu (only {qualified} \
                    members qualified after the complaints, {needed} needed: the key ceremony \
                    failed and the election must be created again)"
                ))
            }
            Step::Done => return Ok(ceremony_done(m, &tally)),
            Step::AwaitKeys { .. }
            | Step::AwaitDealings { .. }
            | Step::AwaitSharesOk { .. }
            | Step::AwaitElectionKey => unreachable!("handled above"),
        }
    }
}

/// The summary once the election key is in the log: t of n, the qualified
/// members (threshold), whether this member may decrypt, the fingerprint.
fn ceremony_done(m: &Member, tally: &Tally) -> String {
    let mut out = String::from(
        "Lễ tạo khoá đã xong: khoá chung đã có trong nhật ký (key ceremony complete: the \
        election key is in the log)",
    );
    if let Some(line) = crate::report::threshold_line(&tally.committee()) {
        out.push('\n');
        out.push_str(&line);
    }
    if let Some(public) = tally.threshold_public() {
        let q = public.qualified();
        out.push_str(&format!(
            "\nThành viên hợp lệ (qualified members): {}",
            who(tally, q)
        ));
        if !public.is_qualified(m.index) {
            out.push_str(&format!(
                "\n{}",
                member_error(&MemberError::NotQualified(m.index))
            ));
        }
    }
    if let Some(ctx) = tally.ballot_context() {
        out.push_str(&format!(
            "\nMã nhận diện cuộc lấy phiếu (election fingerprint): {}",
            tinnhiem_core::ballot::fingerprint(&ctx.election_hash, ctx.key.as_bytes())
        ));
    }
    out
}

/// Prints one line of progress at once (stdout may be a pipe).
fn say(line: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Whether the log of `election` holds `key` as member `member`'s share.
async fn share_in_log(
    client: &Client,
    election: &str,
    member: u32,
    key: &[u8; 32],
) -> Result<bool, String> {
    let log = client
        .send(
            Method::GET,
            &format!("/api/elections/{election}/log"),
            None::<&()>,
            None,
        )
        .await
        .map_err(fail)?;
    Ok(logged_share(&log, member, key))
}

/// Whether `log` has a `trustee_key` line with `key` for member `member`.
fn logged_share(log: &[u8], member: u32, key: &[u8; 32]) -> bool {
    tinnhiem_tally::split_lines(log).into_iter().any(|line| {
        matches!(
            tinnhiem_core::log::parse_line(line).map(|e| e.payload),
            Ok(Payload::TrusteeKey(b)) if b.trustee == member && &b.key.0 == key
        )
    })
}

/// The election's fingerprint (`ballot::fingerprint`) and election check
/// (`ballot::election_check`, docs/PROTOCOL.md §5.10) from the verified log,
/// once the log's share at this member's index is this member's own key
/// (so the election key includes a share the server does not know); with
/// the anchor of the next statement in that log.
async fn verified_fingerprint(m: &Member) -> Result<(String, String, Tally), String> {
    let tally = replay(m).await?;
    let own = m.key.public();
    let logged = tally
        .trustee_keys()
        .get(m.index as usize)
        .copied()
        .flatten();
    if logged.as_ref().map(|k| k.as_bytes()) != Some(own.as_bytes()) {
        return Err(
            "khoá của thành viên này không có trong nhật ký (this member's key share is not in the log)"
                .into(),
        );
    }
    // Under the threshold ceremony the election key is the sum of the
    // qualified members' secrets: it includes this member's only if this
    // member qualified.
    if tally
        .threshold_public()
        .is_some_and(|p| !p.is_qualified(m.index))
    {
        return Err(format!(
            "phần chia khoá của thành viên này không có trong khoá chung (thành viên bị loại): \
            để một thành viên hợp lệ phát hành mã (this member's dealing is not in the election \
            key, the member was disqualified: let a qualified member issue the credentials); {}",
            member_error(&MemberError::NotQualified(m.index))
        ));
    }
    let ctx = tally.ballot_context().ok_or(
        "chưa có khoá chung trong nhật ký: chạy `tinnhiem committee ceremony --wait` (the log \
         has no election key yet: run `tinnhiem committee ceremony --wait`)"
            .to_string(),
    )?;
    Ok((
        tinnhiem_core::ballot::fingerprint(&ctx.election_hash, ctx.key.as_bytes()),
        tinnhiem_core::ballot::election_check(&ctx.election_hash, ctx.key.as_bytes()),
        tally,
    ))
}

/// Downloads the election's log and verifies every line of it, as an
/// inspector would; refuses a log of another election than the member's.
async fn replay(m: &Member) -> Result<Tally, String> {
    replay_slips(m).await.map(|(tally, _)| tally)
}

/// [`replay`], with every public credential the log publishes in log
/// order: slip number `n` is the `n`-th (src/sheet.rs).
async fn replay_slips(m: &Member) -> Result<(Tally, Vec<[u8; 32]>), String> {
    let log = m
        .client
        .send(
            Method::GET,
            &format!("/api/elections/{}/log", m.election),
            None::<&()>,
            None,
        )
        .await
        .map_err(fail)?;
    let mut tally = Tally::new();
    let mut slips = Vec::new();
    for line in tinnhiem_tally::split_lines(&log) {
        tally.push(line, &mut OsRng).map_err(|e| {
            format!(
                "nhật ký của máy chủ không hợp lệ, dòng {}: {} (the server's log fails: {e})",
                e.seq,
                tinnhiem_tally::vi::reason(&e.reason)
            )
        })?;
        // Only a line that names credentials is decoded again.
        if contains(line, br#""kind":"credentials""#) {
            if let Ok(Payload::Credentials(b)) =
                tinnhiem_core::log::parse_line(line).map(|e| e.payload)
            {
                slips.extend(b.credentials.iter().map(|c| c.0));
            }
        }
    }
    if tally.election_hash() != Some(m.hash) {
        return Err(
            "nhật ký không phải của cuộc lấy phiếu trong tệp khoá (the log is not this election's)"
                .into(),
        );
    }
    Ok((tally, slips))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A slip as the committee names it: "số 3" (no. 3), or the start of its
/// public credential when the log does not number it.
fn slip_label(number: Option<u64>, credential: &[u8; 32]) -> String {
    match number {
        Some(n) => n.to_string(),
        None => format!("{}…", &hex(credential)[..8]),
    }
}

/// `committee cancel`: the slips named, checked against the verified log,
/// then the signed `cancel` entry for the place after the log's anchor.
async fn cancel(
    m: &Member,
    numbers: &[u64],
    sheet: Option<&Path>,
    credentials: &[String],
) -> Result<String, String> {
    let (tally, slips) = replay_slips(m).await?;
    if !matches!(tally.phase(), Phase::Setup | Phase::Voting) {
        return Err(format!(
            "chỉ huỷ được phiếu mã trước khi kết thúc bỏ phiếu; nhật ký đang ở giai đoạn “{}” \
            (slips can be cancelled only before voting closes; the log is in phase {:?})",
            tinnhiem_tally::vi::phase(tally.phase()),
            tally.phase()
        ));
    }
    let number_of = |c: &[u8; 32]| slips.iter().position(|s| s == c).map(|p| p as u64 + 1);
    // (number as the committee named it, public credential)
    let mut named: Vec<(Option<u64>, [u8; 32])> = Vec::new();
    if let Some(path) = sheet {
        let html = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            format!(
                "không đọc được tờ mã {} (cannot read the sheet: {e})",
                path.display()
            )
        })?);
        let printed = crate::sheet::read_sheet(&html).ok_or_else(|| {
            format!(
                "{} không phải tờ mã do `tinnhiem committee credentials` ghi (not a sheet \
                written by `tinnhiem committee credentials`)",
                path.display()
            )
        })?;
        for n in numbers {
            let (_, text) = printed.iter().find(|(p, _)| p == n).ok_or_else(|| {
                format!("tờ mã không có phiếu số {n} (the sheet has no slip no. {n})")
            })?;
            let credential = Credential::from_text(text).map_err(|_| {
                format!(
                    "mã in trên phiếu số {n} của tờ mã bị hỏng (the code of slip no. {n} on the \
                    sheet is damaged)"
                )
            })?;
            named.push((Some(*n), *credential.public(&m.election).as_bytes()));
        }
    } else if !numbers.is_empty() {
        for &n in numbers {
            let c = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| slips.get(i))
                .ok_or_else(|| {
                    format!(
                        "không có phiếu mã số {n}: nhật ký mới phát hành {} phiếu mã, số 1 đến {} \
                        (no slip no. {n}: the log has issued {} slip(s), no. 1 to {})",
                        slips.len(),
                        slips.len(),
                        slips.len(),
                        slips.len()
                    )
                })?;
            named.push((Some(n), *c));
        }
    } else {
        for text in credentials {
            let c: [u8; 32] = unhex_array(text.trim(), "credential").map_err(|_| {
                format!(
                    "“{text}” không phải mã công khai (64 chữ số hex) (not a public credential, \
                    64 hex digits)"
                )
            })?;
            named.push((number_of(&c), c));
        }
    }
    let mut todo: Vec<(Option<u64>, [u8; 32])> = Vec::new();
    let mut already: Vec<String> = Vec::new();
    for (number, c) in named {
        let label = slip_label(number.or_else(|| number_of(&c)), &c);
        match tally.credential(&c) {
            None => {
                return Err(format!(
                    "phiếu mã {label} không do Ban kiểm phiếu phát hành trong nhật ký này: không \
                    huỷ phiếu nào (slip {label} was not issued in this log: nothing cancelled)"
                ))
            }
            Some(Some(seq)) => {
                return Err(format!(
                    "phiếu mã số {label} đã được dùng để bỏ phiếu (phiếu ở dòng {seq} của nhật \
                    ký): phiếu mã đã bỏ phiếu thì không huỷ được; không huỷ phiếu nào (slip no. \
                    {label} has voted, the ballot at line {seq}: a slip that voted cannot be \
                    cancelled; nothing cancelled)"
                ))
            }
            Some(None) if tally.is_cancelled(&c) => already.push(label),
            Some(None) if todo.iter().any(|(_, t)| *t == c) => {}
            Some(None) => todo.push((number, c)),
        }
    }
    let mut out = String::new();
    if !already.is_empty() {
        out.push_str(&format!(
            "Phiếu mã số {} đã bị huỷ từ trước (already cancelled: no. {}).\n",
            already.join(", "),
            already.join(", ")
        ));
    }
    if todo.is_empty() {
        out.push_str("Không có phiếu mã nào phải huỷ thêm (nothing more to cancel).");
        return Ok(out);
    }
    let mut b = CredentialsBody {
        credentials: todo.iter().map(|(_, c)| Hex(*c)).collect(),
        signer: m.index,
        signature: Hex([0; 64]),
    };
    b.signature = m.sign(&Payload::Cancel(b.clone()), &tally.anchor());
    m.post("cancel", &b).await?;
    let labels: Vec<String> = todo
        .iter()
        .map(|(n, c)| slip_label(n.or_else(|| number_of(c)), c))
        .collect();
    let live = tally.issued() - todo.len() as u64;
    let present = u64::from(tally.present().unwrap_or(0));
    let left = present.saturating_sub(live);
    out.push_str(&format!(
        "Đã huỷ {k} phiếu mã: số {list}. Phiếu bỏ bằng các mã này sẽ không được nhận. Có thể phát \
         thêm tối đa {left} phiếu mã mới (có mặt {present}, còn hiệu lực {live}) bằng `tinnhiem \
         committee credentials`.\n\
         Cancelled {k} slip(s): no. {list}. Ballots with them will be refused. Up to {left} new \
         slip(s) may be issued ({present} present, {live} valid) with `tinnhiem committee \
         credentials`.",
        k = todo.len(),
        list = labels.join(", "),
    ));
    Ok(out)
}

pub fn run(action: Action) -> ExitCode {
    match super::runtime().block_on(act(action)) {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tinnhiem committee: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tinnhiem_core::log::{Entry, TrusteeKeyBody};
    use tinnhiem_core::schnorr::SecretKey;

    #[test]
    fn a_logged_share_is_found_only_under_its_member_and_key() {
        let server = SecretKey::random(&mut OsRng);
        let key = *TrusteeKey::generate(&mut OsRng).public().as_bytes();
        let (_, line) = Entry::seal(
            1,
            [0; 32],
            Payload::TrusteeKey(TrusteeKeyBody {
                trustee: 2,
                key: Hex(key),
                proof: Hex([0; 64]),
            }),
            &server,
            &mut OsRng,
        );
        let mut log = line;
        log.push(b'\n');
        assert!(logged_share(&log, 2, &key));
        assert!(!logged_share(&log, 1, &key), "another member");
        let other = *TrusteeKey::generate(&mut OsRng).public().as_bytes();
        assert!(!logged_share(&log, 2, &other), "another key");
        assert!(!logged_share(b"", 2, &key), "an empty log");
    }
}

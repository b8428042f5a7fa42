//! `tinnhiem committee ...`: the counting committee's ceremony from a
//! terminal, each member on his or her own computer. The key share is made
//! here and kept in a key file on that computer; the server only ever sees
//! public keys, signed statements and proofs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Publish this member's partial decryption of the totals.
    Decrypt {
        #[command(flatten)]
        common: Common,
    },
    /// Combine the published decryptions and publish the signed result.
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
            Ok(format!(
                "Đã đăng ký khoá của thành viên {member} (key share enrolled); key file: {}",
                key_file.display()
            ))
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
            let (fingerprint, check, anchor) = verified_fingerprint(&m).await?;
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
                &texts,
            );
            // The sheet is written before the public parts are posted, so a
            // failure to write never leaves issued credentials nobody holds.
            write_private(&out, html.as_bytes())?;
            m.post("credentials", &b).await.inspect_err(|_| {
                let _ = std::fs::remove_file(&out);
            })?;
            Ok(format!(
                "Đã phát hành {count} mã (credentials issued); in tờ mã rồi xoá tệp: {}",
                out.display()
            ))
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
            if tally.phase() != Phase::Closed {
                return Err(format!(
                    "nhật ký chưa ở giai đoạn giải mã (the log is in phase {:?}, not closed)",
                    tally.phase()
                ));
            }
            let parts = m
                .key
                .partial_decrypt(&m.hash, m.index, tally.totals(), &mut OsRng);
            m.post(
                "decryptions",
                &json!({"trustee": m.index, "shares": parts.iter().map(|p| hex(&p.to_bytes())).collect::<Vec<_>>()}),
            )
            .await?;
            Ok("Đã công bố phần giải mã (partial decryption published)".into())
        }
        Action::Result { common } => {
            let m = load(&common).await?;
            let tally = replay(&m).await?;
            let counts = tally.decrypted_counts().map_err(fail)?;
            let mut b = ResultBody {
                counts,
                signer: m.index,
                signature: Hex([0; 64]),
            };
            b.signature = m.sign(&Payload::Result(b.clone()), &tally.anchor());
            m.post("result", &b).await?;
            Ok("Đã công bố kết quả (result published)".into())
        }
    }
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
async fn verified_fingerprint(m: &Member) -> Result<(String, String, [u8; 32]), String> {
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
    let ctx = tally
        .ballot_context()
        .ok_or("chưa có khoá chung trong nhật ký (the log has no election key yet)".to_string())?;
    Ok((
        tinnhiem_core::ballot::fingerprint(&ctx.election_hash, ctx.key.as_bytes()),
        tinnhiem_core::ballot::election_check(&ctx.election_hash, ctx.key.as_bytes()),
        tally.anchor(),
    ))
}

/// Downloads the election's log and verifies every line of it, as an
/// inspector would; refuses a log of another election than the member's.
async fn replay(m: &Member) -> Result<Tally, String> {
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
    for line in tinnhiem_tally::split_lines(&log) {
        tally.push(line, &mut OsRng).map_err(|e| {
            format!(
                "nhật ký của máy chủ không hợp lệ, dòng {}: {} (the server's log fails: {e})",
                e.seq,
                tinnhiem_tally::vi::reason(&e.reason)
            )
        })?;
    }
    if tally.election_hash() != Some(m.hash) {
        return Err(
            "nhật ký không phải của cuộc lấy phiếu trong tệp khoá (the log is not this election's)"
                .into(),
        );
    }
    Ok(tally)
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

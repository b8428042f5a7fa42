//! `tinnhiem export`: writes an election's log to a file, for archiving with
//! the minutes (R10), and checks it as `verify` would. It reads either a
//! running server (`--server`) or a stopped server's data directory
//! (`--data`).

use std::path::PathBuf;
use std::process::ExitCode;

use hyper::Method;

use tinnhiem_server::store::{SledStore, Store};

/// Options.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The election id.
    #[arg(long)]
    pub election: String,
    /// Where to write the log (JSON Lines).
    #[arg(long)]
    pub out: PathBuf,
    /// A running server (`http://host:port`, or `https://host:port` with --ca).
    #[arg(long, conflicts_with = "data", required_unless_present = "data")]
    pub server: Option<String>,
    #[command(flatten)]
    pub trust: super::Trust,
    /// A stopped server's data directory.
    #[arg(long)]
    pub data: Option<PathBuf>,
}

fn read(args: &Args) -> Result<Vec<u8>, String> {
    if let Some(url) = &args.server {
        let client = args.trust.client(url).map_err(|e| e.to_string())?;
        let path = format!("/api/elections/{}/log", args.election);
        let bytes = super::runtime()
            .block_on(client.send(Method::GET, &path, None::<&()>, None))
            .map_err(|e| e.to_string())?;
        return Ok(bytes.to_vec());
    }
    let dir = args
        .data
        .as_ref()
        .expect("clap requires --server or --data");
    let store = SledStore::open(dir).map_err(|e| {
        format!(
            "cannot open {}: {e}\n(if the server is running, stop it or use --server)",
            dir.display()
        )
    })?;
    let known = store.metas().map_err(|e| e.to_string())?;
    if !known.iter().any(|(id, _)| *id == args.election) {
        let witnessed = store.witnessed().map_err(|e| e.to_string())?;
        if witnessed.contains(&args.election) {
            return Err(format!(
                "election {} had acknowledged lines but its data is missing from {} (the data directory is damaged)",
                args.election,
                dir.display()
            ));
        }
        return Err(format!(
            "no election {} in {}",
            args.election,
            dir.display()
        ));
    }
    let lines = store.lines(&args.election).map_err(|e| e.to_string())?;
    if let Some((seq, head)) = store.witness(&args.election).map_err(|e| e.to_string())? {
        let ok = lines
            .get(seq as usize)
            .is_some_and(|l| tinnhiem_core::log::entry_hash(l) == head);
        if !ok {
            return Err(format!(
                "election {}: the stored log ({} lines) does not hold line {seq} as it was acknowledged; \
                 the data directory is damaged or was restored from an older copy",
                args.election,
                lines.len()
            ));
        }
    }
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&l);
        out.push(b'\n');
    }
    Ok(out)
}

pub fn run(args: Args) -> ExitCode {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&args)))
        .unwrap_or_else(
            |_| Err("the data directory is damaged (the storage engine failed)".into()),
        );
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            eprintln!("tinnhiem export: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("tinnhiem export: cannot write {}: {e}", args.out.display());
        return ExitCode::from(2);
    }
    println!("Đã ghi nhật ký (log written): {}", args.out.display());
    match tinnhiem_tally::verify_log(&bytes, &mut rand::rngs::OsRng, &mut |_, _| {}) {
        Ok(o) => {
            println!(
                "Nhật ký hợp lệ (verified): {} entries, head {}",
                o.entries, o.result.log_head
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!(
                "NHẬT KÝ KHÔNG HỢP LỆ HOẶC CHƯA KẾT THÚC (not verified): entry {}: {}",
                e.seq, e.reason
            );
            ExitCode::from(1)
        }
    }
}

// inspector.js: the inspector's page (/inspector, R13). Loads a log from
// the server (by election id) or from a file, verifies it in the browser
// with the tally crate compiled to wasm (the same verifier as `tinnhiem
// verify`), a few lines at a time with a progress bar, and shows the result
// table, the first failing entry with its reason, the ballots left out, the
// committee (t of n, the qualified members, who decrypted) and every entry
// (seq, kind, the members it names). A tracking code is looked up on the
// server and checked against the verified log (the line's SHA-256 must
// match).

import * as tn from './tn.js';
import { verifyLogParallel } from './verify-workers.js';
import { SHARED, merge, el, resultSummary, resultTable, download, showError, why as reasonIn } from './results.js';

const STRINGS = merge(SHARED, {
  vi: {
    skip: 'Đến nội dung chính',
    brand: 'Lấy phiếu tín nhiệm',
    title: 'Kiểm tra nhật ký',
    sub: 'Dành cho đại diện cơ quan cấp trên giám sát Ban kiểm phiếu (R13) và bất kỳ ai có nhật ký công khai.',
    what: 'Trình duyệt này tự kiểm tra lại toàn bộ nhật ký: chuỗi mã băm, chữ ký của máy chủ và của Ban kiểm phiếu, chứng minh của từng phiếu, chỉ tính phiếu có mã do Ban kiểm phiếu phát hành, kiểm tra phần giải mã và kết quả. Không cần tin máy chủ.',
    'load.h': 'Nạp nhật ký',
    'eid.label': 'Mã cuộc lấy phiếu',
    'eid.hint': 'Tải nhật ký công khai từ máy chủ này.',
    'eid.go': 'Tải từ máy chủ và kiểm tra',
    'file.label': 'Hoặc mở tệp nhật ký (.jsonl)',
    'file.hint': 'Tệp đã tải về trước đó, hoặc do Ban kiểm phiếu gửi; tệp không được gửi đi đâu.',
    'progress.h': 'Đang kiểm tra',
    'progress.done': 'Đã kiểm tra xong',
    'progress.label': 'Tiến độ kiểm tra',
    'progress.text': 'Đã kiểm {done}/{total} dòng',
    'progress.loading': 'Đang tải nhật ký…',
    'verdict.h': 'Kết quả kiểm tra',
    'verdict.ok': 'Nhật ký HỢP LỆ: chuỗi mã băm, mọi chữ ký và chứng minh đều đúng, kết quả công bố khớp với phần giải mã.',
    'verdict.partial': 'Nhật ký hợp lệ đến dòng cuối ({entries} dòng) nhưng chưa có kết quả: cuộc lấy phiếu đang ở giai đoạn {phase}.',
    'verdict.bad': 'Nhật ký KHÔNG HỢP LỆ tại dòng {seq}: {reason}',
    'verdict.empty': 'Tệp rỗng: không có dòng nào.',
    'dl.election': 'Cuộc lấy phiếu',
    'dl.lines': 'Số dòng',
    'dl.phase': 'Giai đoạn',
    'dl.head': 'Mã băm cuối',
    'dl.time': 'Thời gian kiểm tra',
    'dl.committee': 'Ban kiểm phiếu',
    'dl.qualified': 'Thành viên hợp lệ',
    'dl.decrypted': 'Đã giải mã',
    'dl.dossier': 'Hồ sơ của người được lấy phiếu (SHA-256 trong dòng 0)',
    'committee.threshold': '{n} thành viên; cần {t} thành viên để giải mã',
    'committee.all': '{n} thành viên; cần cả {n} thành viên để giải mã',
    'committee.none': 'chưa có ai',
    'member': '{name} (số {i})',
    'time': '{s} giây ({n} dòng)',
    save: 'Tải nhật ký về (.jsonl)',
    'result.h': 'Kết quả theo nhật ký',
    'excl.h': 'Phiếu bị loại khi kiểm',
    'excl.item': 'Dòng {seq}: {reason}',
    'entries.h': 'Các dòng của nhật ký',
    'entries.show': 'Xem từng dòng (số thứ tự, loại, nội dung)',
    'entries.seq': 'Dòng',
    'entries.kind': 'Loại',
    'entries.note': 'Nội dung',
    'entries.bad': 'sai: {reason}',
    'entries.excluded': 'bị loại: {reason}',
    'entries.unchecked': 'chưa kiểm (sau dòng sai)',
    'kinds': 'Gồm: {list}',
    'kind.election': 'khởi tạo',
    'kind.trustee_key': 'khoá thành viên',
    'kind.election_key': 'khoá chung',
    'kind.dealing': 'chia khoá',
    'kind.complaint': 'khiếu nại phần chia khoá',
    'kind.shares_ok': 'xác nhận phần chia khoá',
    'note.member': 'thành viên {who}',
    'note.complaint': '{who} khiếu nại phần chia của {dealer}',
    'kind.quorum': 'điểm danh',
    'kind.credentials': 'phát mã',
    'kind.open': 'mở bỏ phiếu',
    'kind.ballot': 'phiếu',
    'kind.close': 'kết thúc bỏ phiếu',
    'kind.decryption': 'giải mã',
    'kind.result': 'kết quả',
    'kind.cancel': 'huỷ phiếu mã',
    'kind.other': 'loại không rõ',
    'by': '{text}; ký: {who}',
    'c.election': '{title} — {unit}, {date}: {n} người được lấy phiếu, {summoned} người được triệu tập, Ban kiểm phiếu {m} thành viên',
    'c.election_key': 'khoá chung của cuộc lấy phiếu',
    'c.quorum': 'điểm danh: có mặt {present}/{summoned} người ({pct}), {met}',
    'c.quorum.met': 'đủ 2/3',
    'c.quorum.unmet': 'chưa đủ 2/3',
    'c.credentials': 'phát {n} phiếu mã',
    'c.cancel': 'huỷ {n} phiếu mã chưa dùng (rách, mất, in hỏng)',
    'c.open': 'mở bỏ phiếu',
    'c.ballot': 'phiếu kín (không ký tên)',
    'c.ballot.signed': 'phiếu có ký tên: {name}',
    'c.close': 'kết thúc bỏ phiếu; máy chủ đã từ chối {forged} phiếu không do Ban kiểm phiếu phát ra và {repeated} phiếu gửi lại',
    'c.decryption': 'giải mã một phần: {who}',
    'c.result': 'kết quả: {list}',
    'c.result.item': '{name}: {high} cao, {confidence} tín nhiệm, {low} thấp',
    'head.label': 'Mã băm cuối in trên biên bản (không bắt buộc)',
    'head.hint': 'Nhập hoặc quét mã băm in trên biên bản kiểm phiếu: trang sẽ đối chiếu với nhật ký đã kiểm tra.',
    'head.match': 'Mã băm cuối KHỚP với mã băm in trên biên bản: biên bản mô tả đúng nhật ký này.',
    'head.mismatch': 'Mã băm cuối KHÁC mã băm in trên biên bản ({expected}): biên bản không mô tả nhật ký này.',
    'head.invalid': 'Nhật ký không hợp lệ (xem dòng sai bên dưới): không thể đối chiếu với biên bản.',
    'track.h': 'Tra cứu mã theo dõi',
    'track.help': 'Cử tri nhận mã theo dõi khi gửi phiếu. Mã cho biết phiếu có trong nhật ký, không cho biết nội dung phiếu.',
    'track.label': 'Mã theo dõi (ví dụ ABCD-EFGH)',
    'track.go': 'Tra cứu',
    'track.noid': 'Hãy nạp nhật ký trước (cần biết mã cuộc lấy phiếu).',
    'track.found': 'Có trong nhật ký: dòng {seq}; mã băm của dòng khớp với nhật ký đã kiểm tra.',
    'track.foundexcluded': 'Có ở dòng {seq} nhưng phiếu này bị loại khi kiểm: {reason}',
    'track.mismatch': 'CẢNH BÁO: máy chủ chỉ dòng {seq} nhưng mã băm không khớp với nhật ký đã kiểm tra.',
    'track.later': 'Máy chủ có mã này ở dòng {seq}, sau phần nhật ký đã nạp. Hãy tải lại nhật ký.',
    'track.unverified': 'Máy chủ có mã này ở dòng {seq} (mã băm {hash}); nạp nhật ký để đối chiếu.',
    'track.missing': 'Không tìm thấy mã {code} trong nhật ký.',
    'phase.Empty': 'trống', 'phase.Setup': 'chuẩn bị', 'phase.Voting': 'đang bỏ phiếu', 'phase.Closed': 'đã kết thúc bỏ phiếu, chưa công bố', 'phase.Done': 'đã công bố kết quả',
  },
  en: {
    skip: 'Skip to main content',
    brand: 'Confidence vote',
    title: 'Inspect a log',
    sub: 'For the superior body\'s representatives supervising the counting committee (R13), and anyone holding the public log.',
    what: 'This browser re-verifies the whole log itself: the hash chain, the server\'s and the committee\'s signatures, every ballot\'s proofs, that only ballots with committee-issued codes count, the decryption and the result. No need to trust the server.',
    'load.h': 'Load a log',
    'eid.label': 'Vote id',
    'eid.hint': 'Downloads the public log from this server.',
    'eid.go': 'Download from the server and verify',
    'file.label': 'Or open a log file (.jsonl)',
    'file.hint': 'A file downloaded earlier or sent by the committee; it is not sent anywhere.',
    'progress.h': 'Verifying',
    'progress.done': 'Verification finished',
    'progress.label': 'Verification progress',
    'progress.text': '{done} of {total} lines checked',
    'progress.loading': 'Downloading the log…',
    'verdict.h': 'Verification result',
    'verdict.ok': 'The log HOLDS: hash chain, every signature and proof verify, and the published result equals the decryption.',
    'verdict.partial': 'The log holds up to its last line ({entries} lines) but has no result yet: the vote is in phase {phase}.',
    'verdict.bad': 'The log FAILS at line {seq}: {reason}',
    'verdict.empty': 'Empty file: no lines.',
    'dl.election': 'Vote',
    'dl.lines': 'Lines',
    'dl.phase': 'Phase',
    'dl.head': 'Head hash',
    'dl.time': 'Time to verify',
    'dl.committee': 'Counting committee',
    'dl.qualified': 'Qualified members',
    'dl.decrypted': 'Decrypted by',
    'dl.dossier': 'The leader\'s dossier (SHA-256 in line 0)',
    'committee.threshold': '{n} members; any {t} of them decrypt (threshold {t} of {n})',
    'committee.all': '{n} members; all {n} must decrypt',
    'committee.none': 'nobody yet',
    'member': '{name} (no. {i})',
    'time': '{s} s ({n} lines)',
    save: 'Download the log (.jsonl)',
    'result.h': 'Result from the log',
    'excl.h': 'Ballots left out by the count',
    'excl.item': 'Line {seq}: {reason}',
    'entries.h': 'Entries of the log',
    'entries.show': 'Show every entry (sequence number, kind, content)',
    'entries.seq': 'Line',
    'entries.kind': 'Kind',
    'entries.note': 'Content',
    'entries.bad': 'fails: {reason}',
    'entries.excluded': 'left out: {reason}',
    'entries.unchecked': 'not checked (after the failing line)',
    'kinds': 'Contains: {list}',
    'kind.election': 'election',
    'kind.trustee_key': 'trustee key',
    'kind.election_key': 'election key',
    'kind.dealing': 'dealing',
    'kind.complaint': 'complaint about a dealt share',
    'kind.shares_ok': 'shares confirmed',
    'note.member': 'member {who}',
    'note.complaint': '{who} complains about the share dealt by {dealer}',
    'kind.quorum': 'attendance',
    'kind.credentials': 'credentials',
    'kind.open': 'voting opened',
    'kind.ballot': 'ballot',
    'kind.close': 'voting closed',
    'kind.decryption': 'decryption',
    'kind.result': 'result',
    'kind.cancel': 'slips cancelled',
    'kind.other': 'unknown kind',
    'by': '{text}; signed by {who}',
    'c.election': '{title} — {unit}, {date}: {n} people rated, {summoned} summoned, a committee of {m}',
    'c.election_key': 'the election key',
    'c.quorum': 'attendance: {present} of {summoned} present ({pct}), {met}',
    'c.quorum.met': 'two thirds reached',
    'c.quorum.unmet': 'two thirds not reached',
    'c.credentials': '{n} slips issued',
    'c.cancel': '{n} unused slips cancelled (torn, lost, misprinted)',
    'c.open': 'voting opened',
    'c.ballot': 'secret ballot (unsigned)',
    'c.ballot.signed': 'signed ballot: {name}',
    'c.close': 'voting closed; the server refused {forged} ballots not issued by the committee and {repeated} repeated ones',
    'c.decryption': 'partial decryption: {who}',
    'c.result': 'result: {list}',
    'c.result.item': '{name}: {high} high, {confidence} confidence, {low} low',
    'head.label': 'Head hash printed on the minutes (optional)',
    'head.hint': 'Type or scan the head hash printed on the minutes: the page compares it with the verified log.',
    'head.match': 'The head hash MATCHES the one printed on the minutes: the minutes describe this log.',
    'head.mismatch': 'The head hash DIFFERS from the one printed on the minutes ({expected}): the minutes do not describe this log.',
    'head.invalid': 'The log fails (see the failing line below): it cannot be matched with the minutes.',
    'track.h': 'Look up a tracking code',
    'track.help': 'Voters get a tracking code when they cast. It shows that the ballot is in the log, never what it says.',
    'track.label': 'Tracking code (for example ABCD-EFGH)',
    'track.go': 'Look up',
    'track.noid': 'Load a log first (the vote id is needed).',
    'track.found': 'In the log: line {seq}; the line\'s hash matches the verified log.',
    'track.foundexcluded': 'At line {seq}, but this ballot was left out by the count: {reason}',
    'track.mismatch': 'WARNING: the server points at line {seq} but its hash does not match the verified log.',
    'track.later': 'The server has this code at line {seq}, after the part of the log loaded. Load the log again.',
    'track.unverified': 'The server has this code at line {seq} (hash {hash}); load the log to check it.',
    'track.missing': 'Tracking code {code} is not in the log.',
    'phase.Empty': 'empty', 'phase.Setup': 'set-up', 'phase.Voting': 'voting', 'phase.Closed': 'closed, not yet published', 'phase.Done': 'result published',
  },
});

// The opened ballots' strings (Benaloh's check; kept in their own block).
const AUDIT_STRINGS = {
  vi: {
    'audit.h': 'Kiểm tra phiếu mở (mã niêm phong)',
    'audit.help': 'Cử tri bấm “Kiểm tra mã hoá” thì phiếu được mở ra và không được tính. Nhập mã niêm phong: trang này tự tính lại các lựa chọn trong phiếu đã mở, không tin máy chủ. Mã niêm phong trên biên nhận của phiếu đã gửi cũng tra được ở đây: trang kiểm tra nhật ký rồi tìm phiếu mang mã đó.',
    'audit.label': 'Mã niêm phong (ví dụ ABCD-EFGH-JKMN-PQRS)',
    'audit.go': 'Kiểm tra phiếu mở',
    'audit.noid': 'Hãy nhập mã cuộc lấy phiếu ở trên trước.',
    'audit.badcode': 'Mã niêm phong gồm 16 ký tự (4 nhóm 4 ký tự), ví dụ ABCD-EFGH-JKMN-PQRS. Kiểm tra lại từng ký tự.',
    'audit.loading': 'Đang tải và tính lại phiếu mở…',
    'audit.ok': 'Phiếu mở {seal} MỞ ĐÚNG. Các lựa chọn dưới đây do máy này tự tính lại từ phiếu mã hoá và số ngẫu nhiên đã công bố. Nếu khác lựa chọn cử tri đã ghi, điện thoại của cử tri đã mã hoá sai: báo ngay cho Ban kiểm phiếu.',
    'audit.bad': 'CẢNH BÁO: phiếu mở {seal} KHÔNG mở đúng ({why}). Báo ngay cho Ban kiểm phiếu và người giám sát.',
    'audit.otherseal': 'CẢNH BÁO: phiếu máy chủ đưa ra có mã niêm phong {got}, không phải {seal}. Báo ngay cho Ban kiểm phiếu và người giám sát.',
    'audit.missing': 'BÁO ĐỘNG: không có phiếu mở nào mang mã niêm phong {seal}, và nhật ký đã kiểm tra trên máy này cũng không có phiếu đã gửi nào mang mã đó. Nếu cử tri được cho mã này (khi bấm “Kiểm tra mã hoá” hoặc trên biên nhận), máy chủ đã không giữ phiếu: báo ngay cho Ban kiểm phiếu và người giám sát.',
    'audit.verifying': 'Máy chủ không có phiếu mở mang mã {seal}: đang tải và kiểm tra nhật ký để tìm phiếu mở hoặc phiếu đã gửi mang mã này…',
    'audit.cast': 'Phiếu đã gửi và được tính ở dòng {seq}. Trang này tự tính mã niêm phong {seal} từ các phiếu mã hoá trong nhật ký đã kiểm tra.',
    'audit.castexcluded': 'Phiếu mang mã niêm phong {seal} đã gửi, ở dòng {seq}, nhưng bị loại khi kiểm: {reason}',
    'audit.promise.ok': 'Lời hứa của máy chủ hợp lệ: chữ ký của máy chủ (khoá ở dòng 0 của nhật ký) trên mã niêm phong này, máy này tự kiểm tra.',
    'audit.promise.bad': 'BÁO ĐỘNG: lời hứa của máy chủ KHÔNG hợp lệ (chữ ký không đúng với khoá máy chủ ở dòng 0). Chụp lại màn hình này và báo ngay cho Ban kiểm phiếu và người giám sát.',
    'audit.error': 'Không kiểm tra được phiếu mở trên máy này: {why}',
    'audit.where': 'người thứ {n}, {who}, mức “{level}”',
    'audit.col.n': 'STT',
    'audit.col.who': 'Người được lấy phiếu',
    'audit.col.mark': 'Lựa chọn trong phiếu mở',
    'mark.high': 'Tín nhiệm cao',
    'mark.confidence': 'Tín nhiệm',
    'mark.low': 'Tín nhiệm thấp',
    'mark.none': 'Để trống',
    'audit.inlog': 'Đã ghi vào nhật ký công khai ở dòng {seq}.',
    'audit.inlog.match': 'Đã ghi vào nhật ký công khai ở dòng {seq}, khớp với nhật ký đã kiểm tra trên trang này.',
    'audit.inlog.differs': 'CẢNH BÁO: máy chủ chỉ dòng {seq}, nhưng dòng đó của nhật ký đã kiểm tra không phải phiếu mở này. Báo ngay cho Ban kiểm phiếu.',
    'audit.inlog.later': 'Máy chủ có phiếu mở này ở dòng {seq}, sau phần nhật ký đã nạp. Hãy tải lại nhật ký.',
    'audit.pending': 'Chưa ghi vào nhật ký: máy chủ giữ mọi phiếu mở đến khi kết thúc bỏ phiếu, rồi ghi tất cả (xếp theo mã) ngay trước dòng kết thúc. Cam kết có chữ ký của máy chủ:',
    'audit.unserved': 'LỖI CỦA MÁY CHỦ: máy chủ không trả lời cho phiếu mở này (không tìm thấy), dù nhật ký công khai đã kiểm tra trên máy này có nó ở dòng {seq}. Các lựa chọn trên do máy này tự tính từ dòng đó. Đây là lỗi của máy chủ, không phải của phiếu cử tri: báo cho Ban kiểm phiếu.',
    'audit.unpublished': 'BÁO ĐỘNG: cuộc bỏ phiếu đã kết thúc mà nhật ký đã kiểm tra trên máy này KHÔNG có phiếu mở này, dù máy chủ vẫn đưa ra nó: máy chủ đã không công bố phiếu mở (mọi phiếu mở phải được ghi ngay trước dòng kết thúc). Chụp lại màn hình này và báo ngay cho Ban kiểm phiếu và người giám sát.',
    'audits.h': 'Phiếu mở để kiểm tra mã hoá (không tính)',
    'audits.count': '{n} phiếu mở trong nhật ký; mỗi phiếu đã được kiểm tra mở đúng.',
    'audits.none': 'Không có phiếu mở nào trong nhật ký.',
    'audits.item': 'Dòng {seq}: mã niêm phong {seal} — {marks}',
    'kind.audit': 'phiếu mở (kiểm tra mã hoá)',
    'c.audit': 'phiếu mở để kiểm tra mã hoá, không tính: mã niêm phong {seal}',
    'c.audit.plain': 'phiếu mở để kiểm tra mã hoá, không tính',
  },
  en: {
    'audit.h': 'Check an opened ballot (seal code)',
    'audit.help': 'When a voter taps “Check the encryption”, the ballot is opened and not counted. Type its seal code: this page recomputes the marks of the opened ballot itself, trusting no server. The seal code on a cast ballot\'s receipt is looked up here too: the page verifies the log and finds the ballot with that code.',
    'audit.label': 'Seal code (for example ABCD-EFGH-JKMN-PQRS)',
    'audit.go': 'Check the opened ballot',
    'audit.noid': 'Type the vote id above first.',
    'audit.badcode': 'A seal code has 16 characters (4 groups of 4), for example ABCD-EFGH-JKMN-PQRS. Check each character.',
    'audit.loading': 'Downloading and recomputing the opened ballot…',
    'audit.ok': 'Opened ballot {seal} OPENS CORRECTLY. The marks below were recomputed on this device from the published ciphertexts and randomness. If they differ from what the voter marked, the voter\'s phone encrypted other marks: tell the counting committee at once.',
    'audit.bad': 'WARNING: opened ballot {seal} does NOT open ({why}). Tell the counting committee and the inspector now.',
    'audit.otherseal': 'WARNING: the server gave an opened ballot whose seal code is {got}, not {seal}. Tell the counting committee and the inspector now.',
    'audit.missing': 'ALARM: no opened ballot has seal code {seal}, and no cast ballot in the log verified on this device has it either. If a voter was given this code (on “Check the encryption” or on the receipt), the server did not keep the ballot: tell the counting committee and the inspector now.',
    'audit.verifying': 'The server has no opened ballot with seal code {seal}: downloading and verifying the log to find an opened or a cast ballot with it…',
    'audit.cast': 'Your ballot is in the log at line {seq} and was counted. This device computed seal code {seal} itself from the ciphertexts in the verified log.',
    'audit.castexcluded': 'The ballot with seal code {seal} was cast, at line {seq}, but the count left it out: {reason}',
    'audit.promise.ok': 'The server\'s promise verifies: the server\'s signature (its key is in line 0 of the log) on this seal code, checked on this device.',
    'audit.promise.bad': 'ALARM: the server\'s promise does NOT verify (the signature does not match the server key of line 0). Take a screenshot and tell the counting committee and the inspector now.',
    'audit.error': 'This device could not check the opened ballot: {why}',
    'audit.where': 'leader no. {n}, {who}, level “{level}”',
    'audit.col.n': 'No.',
    'audit.col.who': 'Leader rated',
    'audit.col.mark': 'Mark in the opened ballot',
    'mark.high': 'High confidence',
    'mark.confidence': 'Confidence',
    'mark.low': 'Low confidence',
    'mark.none': 'Left empty',
    'audit.inlog': 'Written to the public log at line {seq}.',
    'audit.inlog.match': 'Written to the public log at line {seq}, equal to the log verified on this page.',
    'audit.inlog.differs': 'WARNING: the server points at line {seq}, but that line of the verified log is not this opened ballot. Tell the counting committee now.',
    'audit.inlog.later': 'The server has this opened ballot at line {seq}, after the part of the log loaded. Load the log again.',
    'audit.pending': 'Not in the log yet: the server keeps every opened ballot until voting closes, then writes them all (sorted by code) just before the close line. The server\'s signed promise:',
    'audit.unserved': 'SERVER FAULT: the server did not answer for this opened ballot (not found), yet the public log verified on this device holds it at line {seq}. The marks above were computed on this device from that line. This is a fault of the server, not of the voter\'s ballot: tell the counting committee.',
    'audit.unpublished': 'ALARM: voting is closed and the log verified on this device does NOT hold this opened ballot, yet the server still serves it: the server did not publish it (every opened ballot must be written just before the close line). Take a screenshot and tell the counting committee and the inspector now.',
    'audits.h': 'Ballots opened to check the encryption (not counted)',
    'audits.count': '{n} opened ballots in the log; each was checked to open correctly.',
    'audits.none': 'No opened ballot in the log.',
    'audits.item': 'Line {seq}: seal code {seal} — {marks}',
    'kind.audit': 'opened ballot (encryption check)',
    'c.audit': 'ballot opened to check the encryption, not counted: seal code {seal}',
    'c.audit.plain': 'ballot opened to check the encryption, not counted',
  },
};
for (const lang of ['vi', 'en']) Object.assign(STRINGS[lang], AUDIT_STRINGS[lang]);

const tr = tn.i18n(STRINGS);
const t = tr.t;
const $ = (id) => document.getElementById(id);

const why = (x) => reasonIn(x, tr.lang());

const state = {
  text: null, // the log as loaded
  lines: [], // its lines
  source: null, // 'server' | 'file'
  id: '', // election id (input or line 0)
  title: '',
  answer: null, // tally_finish's answer
  progress: null, // {done, total}
  loading: false,
  track: null, // last lookup: {key, vars, cls}
  committee: null, // committeeOf(answer)
};

function splitLines(text) {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function electionOf(line) {
  try {
    const e = JSON.parse(line);
    if (e && e.kind === 'election' && e.body) return { id: String(e.body.id || ''), title: String(e.body.title || '') };
  } catch (_) { /* not line 0 */ }
  return { id: '', title: '' };
}

function fetchLog(id) {
  return tn.fetchText(`/api/elections/${encodeURIComponent(id)}/log`);
}

/// `bytes`, when given, are the log's UTF-8 bytes (a file read as bytes):
/// the check takes them as they are instead of encoding the text again.
async function verify(text, source, bytes) {
  state.text = text;
  state.lines = splitLines(text);
  state.source = source;
  const e = electionOf(state.lines[0] || '');
  if (e.id) state.id = e.id;
  state.title = e.title;
  state.answer = null;
  state.track = null;
  $('error').textContent = '';
  $('error').className = 'c-note';
  $('outcome').hidden = true;
  $('progress-card').hidden = false;
  state.progress = { done: 0, total: state.lines.length };
  renderProgress();
  // On every core (Web Workers); ?workers=N chooses how many, 0 for the
  // page's thread alone (to compare).
  const w = new URLSearchParams(location.search).get('workers');
  state.answer = await verifyLogParallel(bytes || text, (done, total) => {
    state.progress = { done, total };
    renderProgress();
  }, { workers: w === null || w === '' ? undefined : Number(w) });
  renderProgress();
  renderOutcome();
  $('verdict-h').focus();
}

function renderProgress() {
  const p = state.progress;
  if (!p) return;
  const bar = $('progress');
  bar.max = Math.max(1, p.total);
  bar.value = p.done;
  $('progress-text').textContent = state.loading ? t('progress.loading') : t('progress.text', { done: p.done, total: p.total });
  // Once the answer is in, the card no longer says the check is under way.
  $('progress-h').textContent = t(state.answer ? 'progress.done' : 'progress.h');
}

// The tally reports a log that ends early at the position after its last
// line; every line itself holds.
function incomplete(a) {
  return Boolean(a.failure) && a.failure.seq >= state.lines.length && a.entries === state.lines.length;
}

// A little-endian u32 at byte `at` of a hex string.
function u32le(hex, at) {
  const b = (k) => parseInt(hex.substr(2 * (at + k), 2), 16) || 0;
  return b(0) + b(1) * 0x100 + b(2) * 0x10000 + b(3) * 0x1000000;
}

// The committee as the verified lines show it (each was checked by the
// verifier before it is read here, for display only): t of n, the qualified
// members (threshold ceremony: every dealer but those an upheld complaint
// names, once all have dealt; every complaint in a log that holds is
// upheld), who decrypted, and per line the members it names.
function committeeOf(a) {
  const names = (a.election && a.election.trustees) || [];
  const n = names.length;
  const ceremony = Boolean(a.election) && a.election.threshold !== undefined && a.election.threshold !== null;
  const c = { n, t: ceremony ? a.election.threshold : n, ceremony, names, qualified: null, decrypted: [], notes: new Map() };
  const dealt = new Set();
  const outcast = new Set();
  const verified = Math.min(a.entries, state.lines.length);
  for (let seq = 0; seq < verified; seq++) {
    const kind = a.kinds[seq];
    if (!['trustee_key', 'dealing', 'complaint', 'shares_ok', 'decryption'].includes(kind)) continue;
    let body;
    try { body = JSON.parse(state.lines[seq]).body; } catch (_) { continue; }
    if (kind === 'trustee_key') c.notes.set(seq, { key: 'note.member', members: { who: body.trustee } });
    else if (kind === 'dealing') {
      const i = u32le(body.dealing, 0);
      dealt.add(i);
      c.notes.set(seq, { key: 'note.member', members: { who: i } });
    } else if (kind === 'complaint') {
      const dealer = u32le(body.complaint, 0);
      outcast.add(dealer);
      c.notes.set(seq, { key: 'note.complaint', members: { who: u32le(body.complaint, 4), dealer } });
    } else if (kind === 'shares_ok') c.notes.set(seq, { key: 'note.member', members: { who: body.signer } });
    else {
      c.decrypted.push(body.trustee);
      c.notes.set(seq, { key: 'note.member', members: { who: body.trustee } });
    }
  }
  if (ceremony && n > 0 && dealt.size === n) c.qualified = names.map((_, i) => i).filter((i) => !outcast.has(i));
  c.decrypted.sort((x, y) => x - y);
  return c;
}

// A member by name and number, numbered from 1 as the console, the key
// cards and the minutes number them (the log's `signer` is from 0).
function memberName(c, i) {
  return t('member', { name: c.names[i] === undefined ? '?' : c.names[i], i: i + 1 });
}

function memberList(c, list) {
  return list.length ? list.map((i) => memberName(c, i)).join(', ') : t('committee.none');
}

function noteOf(c, seq) {
  const note = c.notes.get(seq);
  if (!note) return '';
  const vars = {};
  for (const [k, i] of Object.entries(note.members)) vars[k] = memberName(c, i);
  return t(note.key, vars);
}

function renderOutcome() {
  const a = state.answer;
  if (!a) return;
  $('outcome').hidden = false;
  const verdict = $('verdict');
  const phase = t(`phase.${a.phase}`);
  if (state.lines.length === 0) {
    verdict.className = 'c-note c-bad';
    verdict.textContent = t('verdict.empty');
  } else if (incomplete(a)) {
    // Every line holds, but the log stops before the result (voting still
    // open, or closed and not yet published).
    verdict.className = 'c-note c-warn';
    verdict.textContent = t('verdict.partial', { entries: a.entries, phase });
  } else if (a.failure) {
    verdict.className = 'c-note c-bad';
    verdict.textContent = t('verdict.bad', { seq: a.failure.seq, reason: why(a.failure) });
  } else if (a.result) {
    verdict.className = 'c-note c-ok';
    verdict.textContent = t('verdict.ok');
  } else {
    verdict.className = 'c-note c-warn';
    verdict.textContent = t('verdict.partial', { entries: a.entries, phase });
  }
  verdict.dataset.outcome = a.result ? 'ok' : a.failure && !incomplete(a) ? 'fail' : 'partial';
  if (a.failure) verdict.dataset.failSeq = a.failure.seq; else delete verdict.dataset.failSeq;
  $('dl-election').textContent = state.title ? `${state.title} (${state.id})` : state.id;
  $('dl-lines').textContent = String(state.lines.length);
  $('dl-phase').textContent = phase;
  const last = state.lines[state.lines.length - 1];
  $('dl-head').textContent = last ? tn.sha256(last) : '';
  const secs = (a.ms / 1000).toFixed(2);
  $('dl-time').textContent = t('time', { s: tr.lang() === 'vi' ? secs.replace('.', ',') : secs, n: state.lines.length });
  $('dl-time').dataset.ms = String(Math.round(a.ms));
  $('dl-time').dataset.wide = String(Boolean(a.wide));
  const c = committeeOf(a);
  state.committee = c;
  $('dl-committee').textContent = c.n ? t(c.ceremony && c.t !== c.n ? 'committee.threshold' : 'committee.all', { t: c.t, n: c.n }) : '';
  $('dl-committee').dataset.threshold = String(c.t);
  $('dl-committee').dataset.members = String(c.n);
  $('dl-qualified-t').hidden = $('dl-qualified').hidden = c.qualified === null;
  $('dl-qualified').textContent = c.qualified === null ? '' : memberList(c, c.qualified);
  $('dl-qualified').dataset.members = c.qualified === null ? '' : c.qualified.join(',');
  $('dl-decrypted').textContent = memberList(c, c.decrypted);
  $('dl-decrypted').dataset.members = c.decrypted.join(',');
  renderDossier(a);

  $('result-box').hidden = !a.result;
  if (a.result) {
    $('summary').replaceChildren(resultSummary(a.result, t));
    $('table').replaceChildren(resultTable(a.result, t, tr.lang()));
  }
  $('exclusions-box').hidden = a.exclusions.length === 0;
  $('exclusions').replaceChildren(...a.exclusions.map((x) => el('li', { dataset: { seq: x.seq }, text: t('excl.item', { seq: x.seq, reason: why(x) }) })));

  const counts = new Map();
  for (const k of a.kinds) counts.set(k, (counts.get(k) || 0) + 1);
  $('kinds').textContent = t('kinds', { list: [...counts].map(([k, n]) => `${n} × ${kindName(k)}`).join(', ') });
  renderAudits(a);
  renderEntries();
  renderHead();
  renderTrack();
}

// The leader's dossier line 0 commits (R12), from the verified line 0:
// each file's name (a link to the server's copy), size and SHA-256, to
// compare with the file a reader holds.
function renderDossier(a) {
  const docs = (a.election && Array.isArray(a.election.dossier)) ? a.election.dossier : [];
  $('dl-dossier-t').hidden = $('dl-dossier').hidden = docs.length === 0;
  $('dl-dossier').replaceChildren(...(docs.length === 0 ? [] : [el('ol', { class: 'c-list' }, docs.map((d, i) => el('li', { dataset: { dossier: String(i) } },
    el('a', { href: `/api/elections/${encodeURIComponent(a.election.id)}/dossier/${i}`, target: '_blank', rel: 'noopener', class: 'c-tap', text: d.name }),
    ` · ${d.bytes} byte · SHA-256 `,
    el('span', { class: 'c-hash', dataset: { sha256: d.sha256 }, text: d.sha256 }))))]));
}

// A count as a percentage of another, two decimals, as the reader's
// language writes it (50,00% / 50.00%).
function pct(n, of) {
  const h = of ? Math.floor((n * 20000 + of) / (2 * of)) : 0;
  const s = `${Math.floor(h / 100)}.${String(h % 100).padStart(2, '0')}`;
  return `${tr.lang() === 'vi' ? s.replace('.', ',') : s}%`;
}

// The kind of a line in the reader's language (never the raw kind).
function kindName(k) {
  return STRINGS.vi[`kind.${k}`] ? t(`kind.${k}`) : t('kind.other');
}

// What a verified line says, in words (display only: the verifier has
// checked it before it is read here).
function contentOf(c, seq, kind) {
  let e;
  try { e = JSON.parse(state.lines[seq]); } catch (_) { return ''; }
  const b = (e && e.body) || {};
  const who = (i) => memberName(c, i);
  const by = (text) => (b.signer === undefined ? text : t('by', { text, who: who(b.signer) }));
  const el0 = state.answer && state.answer.election;
  const summoned = el0 ? el0.summoned : 0;
  switch (kind) {
    case 'election':
      return t('c.election', { title: b.title, unit: b.unit, date: b.date, n: (b.candidates || []).length, summoned: b.summoned, m: (b.trustees || []).length });
    case 'election_key': return t('c.election_key');
    case 'quorum':
      return by(t('c.quorum', { present: b.present, summoned, pct: pct(b.present, summoned), met: t(b.present * 3 >= summoned * 2 ? 'c.quorum.met' : 'c.quorum.unmet') }));
    case 'credentials': return by(t('c.credentials', { n: (b.credentials || []).length }));
    case 'cancel': return by(t('c.cancel', { n: (b.credentials || []).length }));
    case 'open': return by(t('c.open'));
    case 'ballot': return b.signed_by ? t('c.ballot.signed', { name: b.signed_by }) : t('c.ballot');
    case 'audit': return auditContent(seq);
    case 'close': return by(t('c.close', { forged: (b.refused || {}).forged || 0, repeated: (b.refused || {}).repeated || 0 }));
    case 'decryption': return t('c.decryption', { who: who(b.trustee) });
    case 'result': {
      const names = el0 ? el0.candidates.map((x) => x.name) : [];
      const list = (b.counts || []).map(([high, confidence, low], i) => t('c.result.item', { name: names[i] || `#${i + 1}`, high, confidence, low })).join('; ');
      return by(t('c.result', { list }));
    }
    default: return noteOf(c, seq);
  }
}

function renderEntries() {
  const a = state.answer;
  const excluded = new Map(a.exclusions.map((x) => [x.seq, why(x)]));
  const failSeq = a.failure && !incomplete(a) ? a.failure.seq : null;
  let failRow = null;
  const rows = a.kinds.map((k, seq) => {
    let note = '';
    let cls = null;
    if (seq === failSeq) { note = t('entries.bad', { reason: why(a.failure) }); cls = 'c-kind-bad'; }
    else if (failSeq !== null && seq > failSeq) { note = t('entries.unchecked'); cls = 'c-kind-unchecked'; }
    else if (excluded.has(seq)) { note = `${contentOf(state.committee, seq, k)} — ${t('entries.excluded', { reason: excluded.get(seq) })}`; cls = 'c-kind-excluded'; }
    else note = contentOf(state.committee, seq, k);
    const row = el('tr', { class: cls, dataset: { seq, kind: k } },
      el('td', { text: String(seq) }), el('td', { class: 'c-l', text: kindName(k) }), el('td', { class: 'c-l c-content', text: note }));
    if (seq === failSeq) { row.setAttribute('aria-current', 'true'); failRow = row; }
    return row;
  });
  $('entries').replaceChildren(
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('entries.seq') }), el('th', { scope: 'col', class: 'c-l', text: t('entries.kind') }), el('th', { scope: 'col', class: 'c-l', text: t('entries.note') }))),
    el('tbody', {}, rows));
  // The failing line: the list opens on it.
  if (failRow) {
    $('entries-box').open = true;
    const box = failRow.closest('.c-entries');
    if (box) box.scrollTop += failRow.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 2;
  }
}

// The head printed on the minutes, as typed or scanned (spaces, case and a
// leading "sha256:" do not matter).
function expectedHead() {
  return $('head').value.toLowerCase().replace(/^sha-?256:/, '').replace(/[^0-9a-f]/g, '');
}

function renderHead() {
  const box = $('head-result');
  const want = expectedHead();
  const last = state.lines[state.lines.length - 1];
  if (!state.answer || !want || !last) { box.hidden = true; box.textContent = ''; return; }
  const a = state.answer;
  const match = tn.sha256(last) === want;
  // A log that fails matches no minutes, whatever its last line.
  const outcome = a.failure && !incomplete(a) ? 'invalid' : match ? 'match' : 'mismatch';
  box.hidden = false;
  box.className = `c-note ${outcome === 'match' ? 'c-ok' : 'c-bad'}`;
  box.dataset.outcome = outcome;
  box.textContent = t(`head.${outcome}`, { expected: want });
}

function renderTrack() {
  const box = $('track-result');
  if (!state.track) { box.textContent = ''; box.className = 'c-note'; return; }
  box.className = `c-note ${state.track.cls}`;
  const { key, vars, item } = state.track;
  box.textContent = t(key, item ? { ...vars, reason: why(item) } : vars);
  box.dataset.outcome = state.track.key;
}

async function lookup(code) {
  const id = state.id || $('eid').value.trim();
  if (!id) { state.track = { key: 'track.noid', vars: {}, cls: 'c-warn' }; renderTrack(); return; }
  code = code.trim().toUpperCase();
  let r;
  try {
    r = await tn.api('GET', `/api/elections/${encodeURIComponent(id)}/tracking/${encodeURIComponent(code)}`);
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 404) state.track = { key: 'track.missing', vars: { code }, cls: 'c-bad' };
    else { showError($('track-result'), e, tr); return; }
    renderTrack();
    return;
  }
  const a = state.answer;
  const line = state.lines[r.seq];
  if (!a || !state.text) state.track = { key: 'track.unverified', vars: { seq: r.seq, hash: r.entry_hash }, cls: 'c-warn' };
  else if (line === undefined) state.track = { key: 'track.later', vars: { seq: r.seq }, cls: 'c-warn' };
  else if (tn.sha256(line) !== r.entry_hash || a.kinds[r.seq] !== 'ballot') state.track = { key: 'track.mismatch', vars: { seq: r.seq }, cls: 'c-bad' };
  else {
    const x = a.exclusions.find((e) => e.seq === r.seq);
    state.track = x ? { key: 'track.foundexcluded', vars: { seq: r.seq }, item: x, cls: 'c-warn' }
      : { key: 'track.found', vars: { seq: r.seq }, cls: 'c-ok' };
  }
  renderTrack();
}

function fail(e) {
  $('progress-card').hidden = true;
  showError($('error'), e, tr);
}

function main() {
  tn.langButton($('lang'), tr);
  tr.onChange(() => { renderProgress(); renderOutcome(); renderTrack(); });
  tr.apply();
  const params = new URLSearchParams(location.search);
  if (params.get('id')) $('eid').value = params.get('id');
  if (params.get('head')) $('head').value = params.get('head');
  $('head').addEventListener('input', renderHead);
  // The log's check is arithmetic: the wide flavour of the module where
  // the browser has it (the same operations, faster).
  tn.preferWide();
  tn.load().catch(() => { /* reported when used */ });

  $('server-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = $('eid').value.trim();
    if (!id || state.loading) return;
    state.loading = true;
    $('fetch').disabled = true;
    $('progress-card').hidden = false;
    state.progress = { done: 0, total: 0 };
    renderProgress();
    try {
      const text = await fetchLog(id);
      state.loading = false;
      state.id = id;
      await verify(text, 'server');
    } catch (e) {
      fail(e);
    } finally {
      state.loading = false;
      $('fetch').disabled = false;
    }
  });
  $('file').addEventListener('change', async () => {
    const f = $('file').files[0];
    if (!f) return;
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      await verify(new TextDecoder().decode(bytes), 'file', bytes);
      if (state.id) $('eid').value = state.id;
    } catch (e) {
      fail(e);
    }
  });
  $('save').addEventListener('click', () => {
    if (state.text !== null) download(`nhat-ky-${state.id || 'log'}.jsonl`, state.text, 'application/jsonl');
  });
  $('track-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = $('track').value;
    if (code.trim()) lookup(code).catch((e) => showError($('track-result'), e, tr));
  });
  // Opened with ?id=…&verify: start at once (links from the other pages).
  if (params.get('id') && params.has('verify')) $('server-form').requestSubmit();
}

main();

// ---------------------------------------------------------------------------
// Opened ballots (Benaloh's check). A voter who taps "Kiểm tra mã hoá" has
// the phone open the sealed ballot: its ciphertexts, their randomness and
// the marks go to the server as an audit, never counted, published in the
// log at the close. Here a second device looks it up by its seal code and
// recomputes everything with the module (op 25, `check_audit`): the seal
// code from the election hash and the ciphertexts, and that each ciphertext
// opens, with the published randomness, to the marks shown. The server's
// words are taken for nothing but where to find the bytes.

const audit = {
  seal: '', // the code asked for, as written
  outcome: null, // 'loading' | 'ok' | 'bad' | 'otherseal' | 'missing' | 'error' | 'noid' | 'badcode' | 'verifying' | 'cast' | 'castexcluded'
  promise: null, // op 25's promise_ok: true, false, or null (not checked)
  vars: {},
  choices: null, // from op 25
  names: [], // the leaders of line 0
  log: null, // {key, vars, cls}
  where: null, // the first ciphertext that does not open: {n, who, level}
};

// A seal code as typed: dashes and spaces skipped, upper case, O read as 0
// and I, L as 1 (Crockford base32); null unless 16 characters.
function readSeal(text) {
  const s = String(text || '').replace(/[-\s]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(s)) return null;
  return s.match(/.{4}/g).join('-');
}

// The election an audit is checked against: line 0 (hashed here) and the
// election key, from the log verified on this page when it is this vote's,
// else from the server's log (a wrong line 0 or key gives another seal
// code, which is reported).
async function auditElection(id) {
  let lines = state.id === id && state.lines.length ? state.lines : null;
  const keyIn = (ls) => ls.map((l) => { try { return JSON.parse(l); } catch (_) { return null; } }).find((e) => e && e.kind === 'election_key');
  if (!lines) {
    lines = await tn.logLines(id, 0, 64);
    while (!keyIn(lines)) {
      const more = await tn.logLines(id, lines.length, lines.length + 64);
      if (!more.length) break;
      lines = lines.concat(more);
    }
  }
  const first = JSON.parse(lines[0]);
  const keyLine = keyIn(lines);
  if (!first || first.kind !== 'election' || !keyLine) throw new Error(tr.lang() === 'en' ? 'the log has no election key yet' : 'nhật ký chưa có khoá chung');
  return { id, hash: tn.sha256(lines[0]), key: keyLine.body.key, server: first.body.server_key, body: first.body };
}


async function lookupAudit(text) {
  const id = state.id || $('eid').value.trim();
  audit.seal = String(text || '').trim().toUpperCase();
  audit.choices = null;
  audit.item = null;
  audit.log = null;
  audit.where = null;
  audit.promise = null;
  audit.vars = { seal: audit.seal };
  if (!id) { audit.outcome = 'noid'; renderAudit(); return; }
  const seal = readSeal(text);
  if (!seal) { audit.outcome = 'badcode'; renderAudit(); return; }
  audit.seal = seal;
  audit.vars = { seal };
  audit.outcome = 'loading';
  renderAudit();
  let r;
  try {
    r = await tn.api('GET', `/api/elections/${encodeURIComponent(id)}/audits/${encodeURIComponent(seal)}`);
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 404) await lookupInLog(id, seal);
    else { audit.outcome = 'error'; audit.vars = { seal, why: e instanceof tn.ApiError ? e.text(tr.lang()) : String(e.message || e) }; }
    renderAudit();
    return;
  }
  if (await openAudit(id, seal, r.audit, r.promise)) audit.log = auditLogStatus(id, seal, r);
  renderAudit();
}

// Opens an audit body (the server's answer, or a line of the log verified
// here) with op 25 against the election of this vote: sets the outcome,
// the marks, the first ciphertext that does not open, and whether the
// server's promise (when given) verifies. False when it could not be
// checked at all (the outcome says why).
async function openAudit(id, seal, body, promise) {
  let e;
  try {
    await tn.load();
    e = await auditElection(id);
  } catch (x) {
    audit.outcome = 'error';
    audit.vars = { seal, why: x instanceof tn.ApiError ? x.text(tr.lang()) : String(x.message || x) };
    return false;
  }
  audit.names = (e.body.candidates || []).map((c) => c.name);
  let check;
  try {
    // The server's promise is checked too, with line 0's server key, on
    // the seal digest computed here.
    const withPromise = typeof promise === 'string' && typeof e.server === 'string';
    check = tn.callSync('check_audit', withPromise
      ? { election: { election_hash: e.hash, election_key: e.key, server_key: e.server }, audit: body, promise }
      : { election: { election_hash: e.hash, election_key: e.key }, audit: body });
  } catch (x) {
    audit.outcome = 'bad';
    audit.vars = { seal, why: String(x.message || x) };
    return false;
  }
  if (readSeal(check.seal) !== seal) {
    audit.outcome = 'otherseal';
    audit.vars = { seal, got: check.seal };
  } else if (!check.ok) {
    audit.outcome = 'bad';
    // The module names the first ciphertext that does not open.
    const who = audit.names[check.candidate] === undefined ? `#${check.candidate + 1}` : audit.names[check.candidate];
    audit.vars = { seal };
    audit.where = { n: check.candidate + 1, who, level: check.level };
  } else {
    audit.outcome = 'ok';
    audit.choices = check.choices;
  }
  // A promise on another seal code than the one asked for says nothing of
  // it: only the alarm above is shown then.
  audit.promise = typeof check.promise_ok === 'boolean' && audit.outcome !== 'otherseal' ? check.promise_ok : null;
  return true;
}

// The log verified on this page, when it is this vote's: the module's
// look-up of an audit line by its seal code (op 31, `find_audit`), else
// null.
function verifiedAudit(id, seal) {
  if (!state.answer || state.text === null || state.id !== id) return null;
  try {
    return tn.callSync('find_audit', { seal });
  } catch (_) {
    return null;
  }
}

// The server has no audit with this code (404). The log verified on this
// page is searched for it, then for a cast ballot with it (the receipt
// shows its seal code): an audit line there is opened here with op 25 and
// the server's silence reported as the server's fault (it hides an audit
// the published log holds, or lost it in a restart); a cast ballot is
// reported as found. With no verified log of this vote (or one of the
// server's that lacks the code: it may have grown since), the server's log
// is verified first.
async function lookupInLog(id, seal) {
  await tn.load();
  const mine = () => Boolean(state.answer) && state.text !== null && state.id === id;
  const search = () => {
    const a = tn.callSync('find_audit', { seal });
    return a.seq !== null ? { audit: a } : { ballot: tn.callSync('find_ballot', { seal }) };
  };
  let found = mine() ? search() : null;
  if ((!found || (found.ballot && found.ballot.seq === null)) && (!mine() || state.source === 'server')) {
    audit.outcome = 'verifying';
    renderAudit();
    const text = await fetchLog(id);
    state.id = id;
    await verify(text, 'server');
    found = search();
  }
  if (found.audit) {
    if (await openAudit(id, seal, found.audit.audit)) audit.log = { key: 'audit.unserved', vars: { seq: found.audit.seq }, cls: 'c-bad' };
    return;
  }
  lookupCast(seal, found.ballot);
}

// A code no audit has may be a cast ballot's (the receipt shows its seal
// code): the module found the ballot line whose ciphertexts give it (op 30,
// `find_ballot`) in the log verified on this page, or none.
function lookupCast(seal, found) {
  if (found.seq === null) { audit.outcome = 'missing'; return; }
  audit.outcome = found.counted ? 'cast' : 'castexcluded';
  audit.vars = { seal, seq: found.seq };
  audit.item = found.counted ? null : found;
}

// Where the audit is: in the log (checked against the verified log when it
// is loaded) or still pending with the server's promise. A verified log of
// this vote that is closed and lacks the audit is an alarm: the server
// promised it and did not publish it (all are written before the close).
function auditLogStatus(id, seal, r) {
  const inLog = verifiedAudit(id, seal);
  if (inLog && inLog.seq === null && inLog.closed) return { key: 'audit.unpublished', vars: {}, cls: 'c-bad' };
  if ((r.seq === null || r.seq === undefined) && inLog && inLog.seq !== null) r = { ...r, seq: inLog.seq };
  if (r.seq === null || r.seq === undefined) return { key: 'audit.pending', vars: { promise: r.promise || '' }, cls: 'c-warn' };
  if (!state.answer || !state.text) return { key: 'audit.inlog', vars: { seq: r.seq }, cls: 'c-ok' };
  const line = state.lines[r.seq];
  if (line === undefined) return { key: 'audit.inlog.later', vars: { seq: r.seq }, cls: 'c-warn' };
  let same = false;
  try {
    const x = JSON.parse(line);
    same = x.kind === 'audit' && x.body.ciphertexts === r.audit.ciphertexts && x.body.randomness === r.audit.randomness;
  } catch (_) { same = false; }
  return same ? { key: 'audit.inlog.match', vars: { seq: r.seq }, cls: 'c-ok' } : { key: 'audit.inlog.differs', vars: { seq: r.seq }, cls: 'c-bad' };
}

function renderAudit() {
  const box = $('audit-result');
  if (!audit.outcome) { box.hidden = true; return; }
  box.hidden = false;
  const verdict = $('audit-verdict');
  const cls = { ok: 'c-ok', cast: 'c-ok', castexcluded: 'c-warn', loading: '', verifying: '', noid: 'c-warn', badcode: 'c-warn' }[audit.outcome] ?? 'c-bad';
  verdict.className = `c-note ${cls}`.trim();
  verdict.dataset.outcome = audit.outcome;
  const w = audit.where;
  let vars = w ? { ...audit.vars, why: t('audit.where', { n: w.n, who: w.who, level: t(`mark.${w.level}`) }) } : audit.vars;
  if (audit.outcome === 'castexcluded' && audit.item) vars = { ...vars, reason: why(audit.item) };
  verdict.textContent = t(`audit.${audit.outcome}`, vars);
  if (audit.vars.seq !== undefined && (audit.outcome === 'cast' || audit.outcome === 'castexcluded')) verdict.dataset.seq = String(audit.vars.seq);
  else delete verdict.dataset.seq;
  const promise = $('audit-promise');
  promise.hidden = audit.promise === null;
  if (audit.promise !== null) {
    promise.className = `c-note ${audit.promise ? 'c-ok' : 'c-bad'}`;
    promise.dataset.outcome = audit.promise ? 'ok' : 'bad';
    promise.setAttribute('role', audit.promise ? 'status' : 'alert');
    promise.textContent = t(audit.promise ? 'audit.promise.ok' : 'audit.promise.bad');
  }
  if (w) { verdict.dataset.candidate = String(w.n - 1); verdict.dataset.level = w.level; } else { delete verdict.dataset.candidate; delete verdict.dataset.level; }
  const marks = $('audit-marks');
  $('audit-marks-box').hidden = !audit.choices;
  if (audit.choices) {
    marks.replaceChildren(
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('audit.col.n') }), el('th', { scope: 'col', class: 'c-l', text: t('audit.col.who') }), el('th', { scope: 'col', class: 'c-l', text: t('audit.col.mark') }))),
      el('tbody', {}, audit.choices.map((c, i) => el('tr', { dataset: { choice: c || 'none' } },
        el('td', { text: String(i + 1) }),
        el('td', { class: 'c-l', text: audit.names[i] === undefined ? `#${i + 1}` : audit.names[i] }),
        el('td', { class: `c-l c-mark${c && c !== 'none' ? '' : ' c-mark-none'}`, text: t(`mark.${c || 'none'}`) })))));
  } else {
    marks.replaceChildren();
  }
  const log = $('audit-log');
  log.hidden = !audit.log;
  if (audit.log) {
    log.className = `c-note ${audit.log.cls}`;
    log.dataset.outcome = audit.log.key;
    if (audit.log.cls === 'c-bad') log.setAttribute('role', 'alert');
    else log.removeAttribute('role');
    log.textContent = t(audit.log.key, audit.log.vars);
    // The promise (a signature, 128 hex digits) on its own line.
    if (audit.log.vars.promise) log.append(' ', el('code', { class: 'c-promise', text: audit.log.vars.promise }));
  }
}

// The audits of a verified log: the module's tally's list when its answer
// has one, else each audit line the verifier accepted opened again here
// with op 25 (seal code and marks, from line 0's hash and the election key
// of the same verified log). The count and one line each.
const auditLists = new WeakMap();

function auditsOf(a) {
  if (Array.isArray(a.audits)) return a.audits;
  if (auditLists.has(a)) return auditLists.get(a);
  const failSeq = a.failure && !incomplete(a) ? a.failure.seq : Infinity;
  const seqs = a.kinds.map((k, seq) => (k === 'audit' && seq < failSeq ? seq : -1)).filter((seq) => seq >= 0);
  let list = [];
  try {
    const key = state.lines.map((l) => { try { return JSON.parse(l); } catch (_) { return null; } }).find((e) => e && e.kind === 'election_key');
    const election = { election_hash: tn.sha256(state.lines[0]), election_key: key.body.key };
    list = seqs.map((seq) => {
      const x = tn.callSync('check_audit', { election, audit: JSON.parse(state.lines[seq]).body });
      return { seq, seal: x.seal, choices: x.choices };
    });
  } catch (_) {
    list = null; // not readable here: the line table still shows each audit line
  }
  auditLists.set(a, list);
  return list;
}

function renderAudits(a) {
  const list = a.kinds.includes('audit') || Array.isArray(a.audits) ? auditsOf(a) : null;
  $('audits-box').hidden = list === null;
  if (list === null) return;
  const names = (a.election && a.election.candidates || []).map((c) => c.name);
  $('audits-count').textContent = list.length ? t('audits.count', { n: list.length }) : t('audits.none');
  $('audits-count').dataset.count = String(list.length);
  $('audits').replaceChildren(...list.map((x) => el('li', { dataset: { seq: x.seq, seal: x.seal } }, t('audits.item', {
    seq: x.seq,
    seal: x.seal,
    marks: (x.choices || []).map((c, i) => `${names[i] || `#${i + 1}`}: ${t(`mark.${c || 'none'}`)}`).join('; '),
  }))));
}

// An audit line in the entries table: its seal code when the module's
// answer lists it.
function auditContent(seq) {
  const list = state.answer ? auditsOf(state.answer) : null;
  const x = list ? list.find((y) => y.seq === seq) : null;
  return x ? t('c.audit', { seal: x.seal }) : t('c.audit.plain');
}

function initAudits() {
  tr.onChange(renderAudit);
  $('audit-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    lookupAudit($('seal').value).catch((e) => { audit.outcome = 'error'; audit.vars = { seal: audit.seal, why: String(e.message || e) }; renderAudit(); });
  });
  // Opened from the voter's QR code: /inspector?id=…&seal=… checks at once.
  const params = new URLSearchParams(location.search);
  const seal = params.get('seal');
  if (seal) {
    $('seal').value = seal;
    $('audit-h').scrollIntoView({ block: 'start' });
    $('audit-h').focus({ preventScroll: true });
    // The answer, once in, at the top of the screen (a phone that scanned
    // the voter's QR code sees the verdict and the marks first).
    if (params.get('id')) {
      lookupAudit(seal)
        .then(() => $('audit-result').scrollIntoView({ block: 'start' }))
        .catch((e) => { audit.outcome = 'error'; audit.vars = { seal, why: String(e.message || e) }; renderAudit(); });
    }
  }
}

initAudits();

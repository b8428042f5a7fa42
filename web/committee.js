// committee.js: the counting committee's console (/committee).
//
// One page for the two roles of the meeting's set-up:
// - the organizer (password → session token) creates the election
//   (candidates pasted or imported from CSV, R9 exclusions left out), hands
//   out the codes shown once, edits the draft and seals it;
// - each committee member, in his or her own browser, makes a key share
//   with the browser module (the secret never leaves the page except in the
//   key file and key card the member keeps), enrolls its public part with
//   the enrollment code, and later signs the attendance (R2), the credential
//   sheet (R3, made and printed here; the server gets only the public
//   parts), the opening and the close, decrypts his or her share of the
//   totals from the key file, and signs the counts the browser computed
//   from the published decryptions.
// Everyone sees the public figures (present, issued, returned, unused,
// refused), never a ballot's content. After the result the page re-verifies
// the whole log in the browser, shows the table of R6 with the consequences
// of R7, and opens the printable minutes (R10).
//
// No inline script or style (CSP). Secrets (key share, credentials) are held
// in memory only, never in storage; the organizer's session token is kept in
// sessionStorage (this tab).

import * as tn from './tn.js';
import {
  SHARED, merge, el, svgNode, resultSummary, resultTable, verifyLog, download, printNode, why,
} from './results.js';

const STRINGS = merge(SHARED, {
  vi: {
    skip: 'Đến nội dung chính',
    brand: 'Lấy phiếu tín nhiệm',
    h1: 'Bàn điều khiển của Ban kiểm phiếu',
    'phases.label': 'Các giai đoạn',
    'phase.draft': 'Bản nháp',
    'phase.setup': 'Chuẩn bị',
    'phase.voting': 'Bỏ phiếu',
    'phase.closed': 'Giải mã',
    'phase.done': 'Kết quả',
    'meeting.line': '{title} · {unit} · ngày {date} · mã cuộc lấy phiếu: {id}',
    cancel: 'Huỷ',
    logout: 'Đăng xuất',
    'start.h': 'Bạn là ai?',
    'login.h': 'Cơ quan tổ chức (phòng Tổ chức Cán bộ)',
    'login.help': 'Tạo cuộc lấy phiếu, danh sách người được lấy phiếu và Ban kiểm phiếu.',
    'login.password': 'Mật khẩu của cơ quan tổ chức',
    'login.go': 'Đăng nhập',
    'login.wrong': 'Mật khẩu không đúng.',
    'login.expired': 'Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.',
    'memberstart.h': 'Thành viên Ban kiểm phiếu',
    'memberstart.help': 'Tạo khoá của mình, điểm danh, phát phiếu mã, mở và kết thúc bỏ phiếu, giải mã kết quả.',
    'memberstart.go': 'Vào với tư cách thành viên',
    'eid.label': 'Mã cuộc lấy phiếu',
    'eid.hint': 'Cơ quan tổ chức gửi mã này (hoặc địa chỉ trang có sẵn mã).',
    'orghome.h': 'Cơ quan tổ chức',
    'orghome.new': 'Tạo cuộc lấy phiếu mới',
    'orghome.open.label': 'Hoặc mở cuộc lấy phiếu đã tạo (mã cuộc lấy phiếu)',
    'orghome.open.go': 'Mở',
    'draft.new': 'Tạo cuộc lấy phiếu',
    'draft.edit': 'Sửa bản nháp',
    'draft.create': 'Tạo cuộc lấy phiếu',
    'draft.save': 'Lưu thay đổi',
    'draft.editnote': 'Bản nháp còn sửa được đến khi niêm phong. Không đổi được số người được lấy phiếu và số thành viên Ban kiểm phiếu (mã đã phát theo từng người).',
    'f.title': 'Tên cuộc lấy phiếu',
    'f.unit': 'Cơ quan, đơn vị',
    'f.date': 'Ngày hội nghị',
    'f.summoned': 'Số người được triệu tập',
    'f.summoned.hint': 'Để kiểm tra đủ 2/3 có mặt (R2).',
    'f.candidates': 'Người được lấy phiếu',
    'f.candidates.hint': 'Mỗi dòng một người: họ và tên, chức vụ (cách nhau bằng dấu phẩy). Có thể dán từ bảng tính hoặc nhập tệp CSV.',
    'f.csv': 'Nhập từ tệp CSV (họ và tên, chức vụ)',
    'f.preview': 'Danh sách trên phiếu',
    'f.r9': 'Không lấy phiếu (R9) đối với người đã có thông báo nghỉ hưu, hoặc được bổ nhiệm, bầu trong năm lấy phiếu: đánh dấu để bỏ họ khỏi phiếu.',
    'f.retiring': 'Đã có thông báo nghỉ hưu',
    'f.appointed': 'Được bổ nhiệm, bầu trong năm',
    'f.excluded': 'không lấy phiếu (R9)',
    'f.committee': 'Ban kiểm phiếu',
    'f.committee.hint': 'Mỗi dòng một thành viên (họ và tên). Mỗi thành viên tự tạo khoá của mình; cần tất cả thành viên để giải mã kết quả.',
    'f.err.title': 'Hãy nhập tên cuộc lấy phiếu và cơ quan, đơn vị.',
    'f.err.date': 'Hãy chọn ngày hội nghị.',
    'f.err.summoned': 'Số người được triệu tập phải là số nguyên dương.',
    'f.err.candidates': 'Cần ít nhất một người được lấy phiếu, mỗi dòng có họ và tên và chức vụ (dòng {line} chưa đủ).',
    'f.err.none': 'Cần ít nhất một người được lấy phiếu.',
    'f.err.committee': 'Cần ít nhất một thành viên Ban kiểm phiếu.',
    'f.saving': 'Đang lưu…',
    'f.saved': 'Đã lưu bản nháp.',
    'codes.h': 'Mã truy cập — chỉ hiện một lần',
    'codes.once': 'Máy chủ chỉ lưu dạng băm của các mã này: hãy in hoặc ghi lại ngay, rồi phát cho từng người. Trang này sẽ không hiện lại các mã.',
    'codes.print': 'In các mã',
    'codes.done': 'Đã in và phát mã, tiếp tục',
    'codes.members.h': 'Thành viên Ban kiểm phiếu: mã đăng ký',
    'codes.members.help': 'Phát cho từng thành viên mã của mình. Thành viên dùng mã để đăng ký khoá trong buổi họp ({link}), và để mở biên bản, xem kết quả.',
    'codes.candidates.h': 'Người được lấy phiếu: mã xem kết quả',
    'codes.candidates.help': 'Phát cho từng người được lấy phiếu mã của mình: chỉ xem được kết quả của chính mình (R11), tại {link}.',
    'codes.col.n': 'TT',
    'codes.col.name': 'Họ và tên',
    'codes.col.code': 'Mã',
    'codes.title': 'Mã truy cập — {title} ({id})',
    'org.h': 'Việc của cơ quan tổ chức',
    'org.draft': 'Bản nháp: kiểm tra lại danh sách, rồi niêm phong. Sau khi niêm phong, nhật ký bắt đầu và các thành viên Ban kiểm phiếu tạo khoá.',
    'org.edit': 'Sửa bản nháp',
    'org.seal': 'Niêm phong',
    'org.seal.confirm': 'Sau khi niêm phong không sửa được danh sách nữa. Niêm phong?',
    'org.seal.yes': 'Niêm phong ngay',
    'org.sealed': 'Đã niêm phong. Các thành viên Ban kiểm phiếu có thể tạo khoá.',
    'org.members': 'Các thành viên Ban kiểm phiếu mở địa chỉ này trên máy của mình, chọn tên và nhập mã đã được phát:',
    'org.home': 'Cuộc lấy phiếu khác',
    'org.qr': 'Mã QR của địa chỉ cho thành viên Ban kiểm phiếu',
    'sum.title': 'Tên',
    'sum.unit': 'Đơn vị',
    'sum.date': 'Ngày',
    'sum.summoned': 'Triệu tập',
    'sum.candidates': 'Người được lấy phiếu',
    'sum.committee': 'Ban kiểm phiếu',
    'links.results': 'Trang kết quả',
    'links.inspector': 'Kiểm tra nhật ký',
    'status.h': 'Tình hình',
    'status.committee': 'Ban kiểm phiếu',
    'status.log': 'Nhật ký',
    'status.logline': '{n} dòng · mã băm cuối {head}',
    'fig.summoned': 'Triệu tập',
    'fig.present': 'Có mặt',
    'fig.issued': 'Phiếu mã đã phát',
    'fig.returned': 'Phiếu thu vào',
    'fig.unused': 'Mã chưa dùng',
    'fig.forged': 'Phiếu giả bị từ chối',
    'fig.repeated': 'Phiếu lặp bị từ chối',
    'r2.none': 'Chưa điểm danh. Cần ít nhất {need}/{summoned} người có mặt (2/3, R2).',
    'r2.met': 'Có mặt {present}/{summoned}; cần ít nhất {need} (2/3): ĐỦ điều kiện lấy phiếu (R2).',
    'r2.short': 'Có mặt {present}/{summoned}; cần ít nhất {need} (2/3): CHƯA ĐỦ, không được lấy phiếu (R2).',
    'r2.over': 'Số người có mặt không được lớn hơn số người được triệu tập ({summoned}).',
    'member.key.none': 'chưa có khoá',
    'member.key.ok': 'đã đăng ký khoá',
    'member.dec.ok': 'đã giải mã',
    'member.dec.none': 'chưa giải mã',
    'member.me': '(tôi)',
    'member.h': 'Thành viên Ban kiểm phiếu: khoá của tôi',
    'member.who': 'Tôi là',
    'member.choose': '— chọn tên của mình —',
    'member.loaded': 'Khoá của {name} (thành viên số {n}) đang được dùng trên trang này. Khoá chỉ nằm trong bộ nhớ của trang, không được lưu.',
    'member.nokey': 'Chưa nạp khoá. Chọn tên, rồi tạo khoá (lần đầu) hoặc nạp tệp khoá đã tạo.',
    'member.draft': 'Cuộc lấy phiếu chưa được niêm phong; chờ cơ quan tổ chức niêm phong rồi tải lại trang.',
    'keygen.h': 'Tạo khoá (một lần, trong buổi họp)',
    'keygen.help': 'Khoá được tạo ngay trên máy này; máy chủ chỉ nhận phần công khai. Tải tệp khoá về và giữ kín (cần nó để giải mã sau khi kết thúc bỏ phiếu); in thẻ khoá để dự phòng.',
    'keygen.code': 'Mã đăng ký của tôi',
    'keygen.code.hint': 'Mã cơ quan tổ chức đã phát cho riêng tôi.',
    'keygen.go': 'Tạo khoá trên máy này',
    'keygen.save': 'Tải tệp khoá về',
    'keygen.print': 'In thẻ khoá',
    'keygen.enroll': 'Đăng ký khoá với máy chủ',
    'keygen.enroll.help': 'Nút đăng ký mở sau khi đã tải tệp khoá về hoặc in thẻ khoá.',
    'keygen.needcode': 'Hãy nhập mã đăng ký của mình.',
    'keygen.needwho': 'Hãy chọn tên của mình.',
    'keygen.made': 'Đã tạo khoá. Tải tệp khoá về (và in thẻ khoá nếu có thể), rồi đăng ký khoá.',
    'keygen.saved': 'Đã tải tệp khoá về. Giữ tệp này kín, trên máy của mình hoặc thẻ nhớ riêng.',
    'keygen.enrolled': 'Đã đăng ký khoá. Máy chủ chỉ nhận khoá công khai và chứng minh; khoá bí mật nằm trong tệp khoá của bạn.',
    'keygen.badcode': 'Mã đăng ký không đúng với thành viên đã chọn.',
    'keycard.h': 'THẺ KHOÁ — GIỮ KÍN',
    'keycard.en': 'Key card — keep it secret',
    'keycard.member': 'Thành viên Ban kiểm phiếu: {name} (số {n})',
    'keycard.election': 'Cuộc lấy phiếu: {title} — mã {id}',
    'keycard.secret': 'Khoá bí mật',
    'keycard.public': 'Khoá công khai (để đối chiếu)',
    'keycard.help': 'Thẻ này thay cho tệp khoá nếu tệp bị mất: quét mã QR hoặc nhập khoá bí mật vào bàn điều khiển. Cần có để giải mã kết quả sau khi kết thúc bỏ phiếu. Không đưa cho ai, không chụp ảnh.',
    'keycard.qr': 'Mã QR của tệp khoá',
    'keyload.h': 'Nạp khoá đã tạo',
    'keyload.file': 'Tệp khoá của tôi (.json)',
    'keyload.file.hint': 'Tệp chỉ được đọc trên máy này, không gửi đi.',
    'keyload.text': 'Hoặc nhập khoá bí mật từ thẻ khoá',
    'keyload.go': 'Nạp khoá',
    'keyload.forget': 'Gỡ khoá khỏi trang',
    'keyload.bad': 'Tệp khoá không đọc được (không phải tệp khoá, hoặc bị hỏng).',
    'keyload.other': 'Tệp khoá này thuộc cuộc lấy phiếu khác ({id}).',
    'keyload.mismatch': 'Khoá này không khớp với khoá đã đăng ký của thành viên số {n}.',
    'keyload.ok': 'Đã nạp khoá của {name}.',
    'att.h': 'Điểm danh (R2)',
    'att.help': 'Hội nghị chỉ được lấy phiếu khi có mặt ít nhất 2/3 số người được triệu tập.',
    'att.present': 'Số người có mặt',
    'att.sign': 'Ký và ghi nhận điểm danh',
    'att.done': 'Đã ghi nhận: có mặt {present}.',
    'att.invalid': 'Nhập số người có mặt (0 đến {summoned}).',
    'sheet.h': 'Phiếu mã bỏ phiếu (R3)',
    'sheet.help': 'Mỗi người có mặt nhận một phiếu mã. Phiếu mã được tạo và in ngay trên máy này; máy chủ chỉ nhận phần công khai. Gấp phiếu lại, bỏ vào hộp và để từng người tự bốc, như phát phiếu giấy, để không ai biết phiếu nào của ai.',
    'sheet.count': 'Số phiếu mã cần tạo',
    'sheet.base': 'Địa chỉ máy chủ cho điện thoại',
    'sheet.base.hint': 'Địa chỉ mà điện thoại trong phòng họp mở được.',
    'sheet.make': 'Tạo, ký và phát hành phiếu mã',
    'sheet.making': 'Đang tạo {count} phiếu mã trên máy này…',
    'sheet.badlog': 'Không tạo phiếu mã: nhật ký của máy chủ không hợp lệ hoặc không có khoá của bạn ({reason}). Báo cho cơ quan cấp trên.',
    'sheet.made': 'Đã phát hành {count} phiếu mã (tổng {issued}/{present}). In ngay, rồi xoá khỏi trang.',
    'sheet.needpresent': 'Ghi nhận điểm danh trước: số phiếu mã không vượt quá số người có mặt.',
    'sheet.full': 'Đã phát đủ {issued} phiếu mã cho {present} người có mặt.',
    'sheet.invalid': 'Số phiếu mã: từ 1 đến {max}.',
    'sheet.loopback': 'Địa chỉ {host} chỉ mở được trên chính máy này: điện thoại của cử tri sẽ không mở được phiếu mã. Nhập địa chỉ của máy chủ trên Wi-Fi phòng họp (máy chủ in danh sách địa chỉ khi khởi động), hoặc bấm tạo phiếu lần nữa nếu vẫn dùng địa chỉ này.',
    'sheet.loopback.live': 'Điện thoại không mở được địa chỉ {host}: nhập địa chỉ của máy chủ trên Wi-Fi phòng họp.',
    'sheet.secret': 'Các mã trên phiếu là bí mật: chỉ in, không chụp, không gửi. Xoá khỏi trang sau khi in.',
    'sheet.print': 'In phiếu mã (A4)',
    'sheet.clear': 'Xoá phiếu mã khỏi trang',
    'sheet.cleared': 'Đã xoá phiếu mã khỏi trang.',
    'sheet.preview': 'Xem trước phiếu mã',
    'slip.qr': 'Mã QR để mở phiếu số {n}',
    'open.h': 'Mở bỏ phiếu',
    'open.go': 'Ký và mở bỏ phiếu',
    'open.ready': 'Sẵn sàng: đủ khoá, đủ 2/3 có mặt (R2), đã phát {issued} phiếu mã.',
    'open.nokeys': 'Chưa đủ khoá của Ban kiểm phiếu ({done}/{total}).',
    'open.nopresent': 'Chưa điểm danh.',
    'open.noquorum': 'Không đủ 2/3 số người được triệu tập có mặt: không được mở bỏ phiếu (R2).',
    'open.nosheet': 'Chưa phát phiếu mã nào.',
    'open.done': 'Đã mở bỏ phiếu.',
    'voting.h': 'Đang bỏ phiếu',
    'voting.help': 'Chỉ đếm số phiếu đã nhận; không ai, kể cả Ban kiểm phiếu, xem được nội dung từng phiếu.',
    'voting.count': 'Đã nhận {returned}/{issued} phiếu',
    'close.go': 'Kết thúc bỏ phiếu',
    'close.confirm': 'Kết thúc bỏ phiếu? Đã nhận {returned}/{issued} phiếu; {unused} mã chưa dùng sẽ bị vô hiệu. Không mở lại được.',
    'close.yes': 'Ký và kết thúc',
    'close.needkey': 'Thành viên có khoá mới kết thúc được bỏ phiếu.',
    'close.done': 'Đã kết thúc bỏ phiếu.',
    'decrypt.h': 'Giải mã kết quả',
    'decrypt.help': 'Mỗi thành viên giải mã phần của mình từ tệp khoá. Chỉ tổng số được giải mã; không phiếu nào được mở.',
    'decrypt.go': 'Giải mã phần của tôi',
    'decrypt.needkey': 'Nạp tệp khoá của mình (ở phần “khoá của tôi”) để giải mã.',
    'decrypt.mine': 'Phần của tôi đã được giải mã và công bố.',
    'decrypt.working': 'Đang giải mã phần của tôi trên máy này…',
    'decrypt.done': 'Đã công bố phần giải mã của tôi.',
    'decrypt.badlog': 'Không giải mã: nhật ký của máy chủ không hợp lệ hoặc chưa kết thúc bỏ phiếu (dòng {seq}: {reason}). Báo cho cơ quan cấp trên.',
    'decrypt.wait': 'Chờ các thành viên khác giải mã ({done}/{total}).',
    'publish.help': 'Đã đủ phần giải mã của tất cả thành viên. Trình duyệt kiểm lại toàn bộ nhật ký, tính số phiếu, rồi thành viên ký và công bố kết quả.',
    'publish.go': 'Kiểm nhật ký, ký và công bố kết quả',
    'publish.working': 'Đang kiểm nhật ký…',
    'publish.failed': 'Nhật ký không hợp lệ tại dòng {seq}: {reason}. Không công bố; báo ngay cho người giám sát.',
    'publish.done': 'Đã công bố kết quả.',
    'verify.label': 'Kiểm tra nhật ký',
    'verify.text': 'Đã kiểm {done}/{total} dòng',
    'result.h': 'Kết quả kiểm phiếu',
    'result.verified': 'Kết quả đã được trình duyệt này kiểm lại từ nhật ký công khai ({n} dòng, {s} giây): khớp với phần giải mã.',
    'result.failed': 'Nhật ký không hợp lệ tại dòng {seq}: {reason}',
    'minutes.h': 'Biên bản kiểm phiếu (R10)',
    'minutes.help': 'Lập thành 3 bản: 2 bản gửi cấp trên trực tiếp, 1 bản lưu cùng phiếu. Tài liệu MẬT.',
    'minutes.code': 'Mã của thành viên Ban kiểm phiếu',
    'minutes.code.hint': 'Cần để mở biên bản (hoặc đăng nhập cơ quan tổ chức).',
    'minutes.open': 'Mở biên bản để in',
    'minutes.save': 'Tải biên bản (.html)',
    'minutes.link': 'Mở biên bản (cửa sổ mới)',
    'minutes.needcode': 'Nhập mã của thành viên Ban kiểm phiếu để mở biên bản.',
    'minutes.opened': 'Đã mở biên bản trong cửa sổ mới; dùng lệnh In của trình duyệt (3 bản).',
    'minutes.blocked': 'Trình duyệt chặn cửa sổ mới: bấm “Mở biên bản (cửa sổ mới)”.',
    'err.notfound': 'Không tìm thấy cuộc lấy phiếu {id}.',
    working: 'Đang xử lý…',
  },
  en: {
    skip: 'Skip to main content',
    brand: 'Confidence vote',
    h1: 'Counting committee console',
    'phases.label': 'Phases',
    'phase.draft': 'Draft',
    'phase.setup': 'Set-up',
    'phase.voting': 'Voting',
    'phase.closed': 'Decryption',
    'phase.done': 'Result',
    'meeting.line': '{title} · {unit} · {date} · vote id: {id}',
    cancel: 'Cancel',
    logout: 'Log out',
    'start.h': 'Who are you?',
    'login.h': 'Organizer (personnel office)',
    'login.help': 'Creates the vote, the list of candidates and the counting committee.',
    'login.password': 'Organizer password',
    'login.go': 'Log in',
    'login.wrong': 'Wrong password.',
    'login.expired': 'The session has expired; log in again.',
    'memberstart.h': 'Counting committee member',
    'memberstart.help': 'Make your key, record attendance, issue the voting slips, open and close voting, decrypt the result.',
    'memberstart.go': 'Enter as a member',
    'eid.label': 'Vote id',
    'eid.hint': 'Sent by the organizer (or already in the page address).',
    'orghome.h': 'Organizer',
    'orghome.new': 'Create a new vote',
    'orghome.open.label': 'Or open a vote created before (vote id)',
    'orghome.open.go': 'Open',
    'draft.new': 'Create a vote',
    'draft.edit': 'Edit the draft',
    'draft.create': 'Create the vote',
    'draft.save': 'Save changes',
    'draft.editnote': 'The draft can be edited until it is sealed. The number of candidates and of committee members cannot change (their codes were handed out).',
    'f.title': 'Title of the vote',
    'f.unit': 'Body, unit',
    'f.date': 'Date of the meeting',
    'f.summoned': 'People summoned',
    'f.summoned.hint': 'For the 2/3 quorum (R2).',
    'f.candidates': 'Candidates',
    'f.candidates.hint': 'One per line: full name, position (separated by a comma). Paste from a spreadsheet or import a CSV file.',
    'f.csv': 'Import a CSV file (full name, position)',
    'f.preview': 'The list on the ballot',
    'f.r9': 'Not rated (R9): someone announced as retiring, or appointed or elected in the year of the vote. Tick to leave them off the ballot.',
    'f.retiring': 'Announced as retiring',
    'f.appointed': 'Appointed or elected this year',
    'f.excluded': 'not rated (R9)',
    'f.committee': 'Counting committee',
    'f.committee.hint': 'One member per line (full name). Each member makes his or her own key; all members are needed to decrypt the result.',
    'f.err.title': 'Enter the title and the body or unit.',
    'f.err.date': 'Choose the date of the meeting.',
    'f.err.summoned': 'People summoned must be a positive whole number.',
    'f.err.candidates': 'Each line needs a full name and a position (line {line} does not).',
    'f.err.none': 'At least one candidate is needed.',
    'f.err.committee': 'At least one committee member is needed.',
    'f.saving': 'Saving…',
    'f.saved': 'Draft saved.',
    'codes.h': 'Access codes — shown once',
    'codes.once': 'The server keeps only hashes of these codes: print or write them down now, then hand each to its person. This page will not show them again.',
    'codes.print': 'Print the codes',
    'codes.done': 'Printed and handed out, continue',
    'codes.members.h': 'Counting committee: enrollment codes',
    'codes.members.help': 'Give each member his or her code: it enrolls the member\'s key at the meeting ({link}) and opens the minutes and the result.',
    'codes.candidates.h': 'Candidates: result codes',
    'codes.candidates.help': 'Give each candidate his or her code: it shows only his or her own result (R11), at {link}.',
    'codes.col.n': 'No.',
    'codes.col.name': 'Full name',
    'codes.col.code': 'Code',
    'codes.title': 'Access codes — {title} ({id})',
    'org.h': 'Organizer',
    'org.draft': 'Draft: check the lists, then seal. Sealing starts the log; the committee members then make their keys.',
    'org.edit': 'Edit the draft',
    'org.seal': 'Seal',
    'org.seal.confirm': 'After sealing the lists cannot change. Seal now?',
    'org.seal.yes': 'Seal now',
    'org.sealed': 'Sealed. The committee members can make their keys.',
    'org.members': 'Committee members open this address on their own devices, choose their name and enter the code handed to them:',
    'org.home': 'Another vote',
    'org.qr': 'QR code of the address for committee members',
    'sum.title': 'Title',
    'sum.unit': 'Unit',
    'sum.date': 'Date',
    'sum.summoned': 'Summoned',
    'sum.candidates': 'Candidates',
    'sum.committee': 'Counting committee',
    'links.results': 'Results page',
    'links.inspector': 'Inspect the log',
    'status.h': 'Status',
    'status.committee': 'Counting committee',
    'status.log': 'Log',
    'status.logline': '{n} lines · head {head}',
    'fig.summoned': 'Summoned',
    'fig.present': 'Present',
    'fig.issued': 'Slips issued',
    'fig.returned': 'Ballots returned',
    'fig.unused': 'Codes unused',
    'fig.forged': 'Forged, refused',
    'fig.repeated': 'Repeated, refused',
    'r2.none': 'No attendance yet. At least {need} of {summoned} must be present (2/3, R2).',
    'r2.met': 'Present {present} of {summoned}; at least {need} needed (2/3): quorum MET (R2).',
    'r2.short': 'Present {present} of {summoned}; at least {need} needed (2/3): NO quorum, voting may not open (R2).',
    'r2.over': 'Present cannot exceed the people summoned ({summoned}).',
    'member.key.none': 'no key yet',
    'member.key.ok': 'key enrolled',
    'member.dec.ok': 'decrypted',
    'member.dec.none': 'not decrypted yet',
    'member.me': '(me)',
    'member.h': 'Committee member: my key',
    'member.who': 'I am',
    'member.choose': '— choose your name —',
    'member.loaded': 'The key of {name} (member {n}) is in use on this page. It is held in the page\'s memory only, never stored.',
    'member.nokey': 'No key loaded. Choose your name, then make your key (first time) or load your key file.',
    'member.draft': 'The vote is not sealed yet; wait for the organizer to seal it, then reload.',
    'keygen.h': 'Make my key (once, at the meeting)',
    'keygen.help': 'The key is made on this device; the server receives only its public part. Download the key file and keep it secret (it is needed to decrypt after the close); print the key card as a backup.',
    'keygen.code': 'My enrollment code',
    'keygen.code.hint': 'The code the organizer handed to me.',
    'keygen.go': 'Make my key on this device',
    'keygen.save': 'Download the key file',
    'keygen.print': 'Print the key card',
    'keygen.enroll': 'Enroll the key with the server',
    'keygen.enroll.help': 'Enrolling is possible once the key file is downloaded or the key card printed.',
    'keygen.needcode': 'Enter your enrollment code.',
    'keygen.needwho': 'Choose your name.',
    'keygen.made': 'Key made. Download the key file (and print the key card if you can), then enroll the key.',
    'keygen.saved': 'Key file downloaded. Keep it secret, on your own device or memory stick.',
    'keygen.enrolled': 'Key enrolled. The server received only the public key and its proof; the secret key is in your key file.',
    'keygen.badcode': 'The enrollment code does not match the member chosen.',
    'keycard.h': 'KEY CARD — KEEP SECRET',
    'keycard.en': 'Thẻ khoá — giữ kín',
    'keycard.member': 'Counting committee member: {name} (no. {n})',
    'keycard.election': 'Vote: {title} — id {id}',
    'keycard.secret': 'Secret key',
    'keycard.public': 'Public key (to compare)',
    'keycard.help': 'This card replaces the key file if it is lost: scan the QR code or type the secret key into the console. It is needed to decrypt the result after the close. Give it to no one; do not photograph it.',
    'keycard.qr': 'QR code of the key file',
    'keyload.h': 'Load my key',
    'keyload.file': 'My key file (.json)',
    'keyload.file.hint': 'Read on this device only, never sent.',
    'keyload.text': 'Or type the secret key from the key card',
    'keyload.go': 'Load the key',
    'keyload.forget': 'Remove the key from this page',
    'keyload.bad': 'The key file cannot be read (not a key file, or damaged).',
    'keyload.other': 'This key file belongs to another vote ({id}).',
    'keyload.mismatch': 'This key does not match the key enrolled for member {n}.',
    'keyload.ok': 'Key of {name} loaded.',
    'att.h': 'Attendance (R2)',
    'att.help': 'The meeting may vote only with at least 2/3 of the people summoned present.',
    'att.present': 'People present',
    'att.sign': 'Sign and record attendance',
    'att.done': 'Recorded: {present} present.',
    'att.invalid': 'Enter the number present (0 to {summoned}).',
    'sheet.h': 'Voting slips (R3)',
    'sheet.help': 'Each person present receives one slip. The slips are made and printed on this device; the server receives only their public parts. Fold them, put them in a box and let each person draw one, as with paper ballots, so that no one knows whose slip is whose.',
    'sheet.count': 'Slips to make',
    'sheet.base': 'Server address for the phones',
    'sheet.base.hint': 'An address the phones in the meeting room can open.',
    'sheet.make': 'Make, sign and issue the slips',
    'sheet.making': 'Making {count} slips on this device…',
    'sheet.badlog': 'No slips made: the server\'s log does not verify or does not hold your key ({reason}). Tell the superior body.',
    'sheet.made': '{count} slips issued ({issued} of {present} in all). Print them now, then remove them from the page.',
    'sheet.needpresent': 'Record the attendance first: slips may not exceed the people present.',
    'sheet.full': 'All {issued} slips for the {present} people present are issued.',
    'sheet.invalid': 'Slips: 1 to {max}.',
    'sheet.loopback': 'The address {host} opens on this machine only: the voters\' phones will not open the slips. Enter the server\'s address on the meeting room\'s Wi-Fi (the server lists its addresses when it starts), or press make again to keep this address.',
    'sheet.loopback.live': 'Phones cannot open {host}: enter the server\'s address on the meeting room\'s Wi-Fi.',
    'sheet.secret': 'The codes on the slips are secret: print only, never photograph or send. Remove them from the page after printing.',
    'sheet.print': 'Print the slips (A4)',
    'sheet.clear': 'Remove the slips from the page',
    'sheet.cleared': 'The slips were removed from the page.',
    'sheet.preview': 'Preview of the slips',
    'slip.qr': 'QR code opening ballot no. {n}',
    'open.h': 'Open voting',
    'open.go': 'Sign and open voting',
    'open.ready': 'Ready: all keys, 2/3 present (R2), {issued} slips issued.',
    'open.nokeys': 'Not every committee key is enrolled ({done}/{total}).',
    'open.nopresent': 'No attendance recorded.',
    'open.noquorum': 'Less than 2/3 of the people summoned are present: voting may not open (R2).',
    'open.nosheet': 'No slip issued yet.',
    'open.done': 'Voting is open.',
    'voting.h': 'Voting',
    'voting.help': 'Only the number of ballots received is shown; no one, the committee included, can see a ballot\'s content.',
    'voting.count': '{returned} of {issued} ballots received',
    'close.go': 'Close voting',
    'close.confirm': 'Close voting? {returned} of {issued} ballots received; {unused} unused codes become void. It cannot reopen.',
    'close.yes': 'Sign and close',
    'close.needkey': 'Only a member with a key can close voting.',
    'close.done': 'Voting is closed.',
    'decrypt.h': 'Decrypt the result',
    'decrypt.help': 'Each member decrypts his or her share from the key file. Only the totals are decrypted; no ballot is ever opened.',
    'decrypt.go': 'Decrypt my share',
    'decrypt.needkey': 'Load your key file (under "my key") to decrypt.',
    'decrypt.mine': 'My share is decrypted and published.',
    'decrypt.working': 'Decrypting my share on this device…',
    'decrypt.done': 'My decryption share is published.',
    'decrypt.badlog': 'Not decrypted: the server\'s log does not verify or voting is not closed (line {seq}: {reason}). Tell the superior body.',
    'decrypt.wait': 'Waiting for the other members ({done}/{total}).',
    'publish.help': 'Every member\'s share is in. The browser re-verifies the whole log, computes the counts, and the member signs and publishes the result.',
    'publish.go': 'Verify the log, sign and publish the result',
    'publish.working': 'Verifying the log…',
    'publish.failed': 'The log fails at line {seq}: {reason}. Not published; tell the supervisors at once.',
    'publish.done': 'The result is published.',
    'verify.label': 'Verifying the log',
    'verify.text': '{done} of {total} lines checked',
    'result.h': 'Result of the count',
    'result.verified': 'This browser re-verified the result from the public log ({n} lines, {s} s): it matches the decryption.',
    'result.failed': 'The log fails at line {seq}: {reason}',
    'minutes.h': 'Minutes of the count (R10)',
    'minutes.help': 'Three copies: two for the direct superior, one kept with the ballots. CONFIDENTIAL.',
    'minutes.code': 'Committee member\'s code',
    'minutes.code.hint': 'Needed to open the minutes (or log in as the organizer).',
    'minutes.open': 'Open the minutes to print',
    'minutes.save': 'Download the minutes (.html)',
    'minutes.link': 'Open the minutes (new window)',
    'minutes.needcode': 'Enter a committee member\'s code to open the minutes.',
    'minutes.opened': 'The minutes are open in a new window; use the browser\'s Print (3 copies).',
    'minutes.blocked': 'The browser blocked the new window: use "Open the minutes (new window)".',
    'err.notfound': 'No vote {id}.',
    working: 'Working…',
  },
});

const tr = tn.i18n(STRINGS);
const t = tr.t;
const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'tinnhiem.organizer';
const RECENT_KEY = 'tinnhiem.console.recent';
const PHASES = ['draft', 'setup', 'voting', 'closed', 'done'];

/// Everything the page knows. Secrets (`pending.secret`, `key.secret`,
/// `sheet`) live here only.
const S = {
  id: '',
  view: null,
  token: '',
  memberMode: false,
  memberIndex: null, // chosen in the select
  draft: null, // {editing}
  created: null, // {id, trustee_codes, candidate_codes, input}
  r9: new Map(), // candidate name → {retiring, appointed}
  pending: null, // a key made but not enrolled: {member, secret, key, proof, code, saved}
  key: null, // the key in use: {member, secret, public, code}
  sheet: null, // the slips just made (secret)
  sheetNode: null,
  loopbackOk: null, // a loopback slip address the member chose to keep
  // Line 0 of the last log this device verified (what it shows of the
  // meeting once sealed).
  election: null,
  memberQr: null, // {id, node}
  keycardQr: null, // {secret, node}
  confirmSeal: false,
  confirmClose: false,
  result: null, // {answer} once verified
  resultRun: false,
  busy: false,
  minutesUrl: null,
  notes: {}, // section message id → {key, vars, cls} or {text, cls}
};

// --- small helpers ---------------------------------------------------------

function show(id, on) {
  const e = $(id);
  if (e) e.hidden = !on;
}

/// A message in a section's status line, kept as a key so that it follows
/// the language toggle.
function note(id, key, vars, cls = '') {
  S.notes[id] = key ? { key, vars, cls } : null;
  paintNote(id);
}
function noteError(id, e) {
  if (e instanceof tn.ApiError) S.notes[id] = { vi: e.text('vi'), en: e.text('en'), cls: 'c-bad' };
  else S.notes[id] = { vi: String(e && e.message ? e.message : e), en: String(e && e.message ? e.message : e), cls: 'c-bad' };
  paintNote(id);
}
function paintNote(id) {
  const box = $(id);
  if (!box) return;
  const n = S.notes[id];
  if (!n) { box.textContent = ''; box.className = 'c-note'; return; }
  box.className = `c-note ${n.cls || ''}`;
  box.textContent = n.key ? t(n.key, n.vars) : (tr.lang() === 'en' ? n.en : n.vi);
}

function need(summoned) {
  // The smallest `present` with present * 3 >= summoned * 2.
  return Math.floor((2 * summoned + 2) / 3);
}
function quorumMet(present, summoned) {
  return present * 3 >= summoned * 2;
}

function api(method, path, body, opts) {
  return tn.api(method, path, body, opts);
}
const E = () => `/api/elections/${encodeURIComponent(S.id)}`;

/// Runs one action at a time (a second click while one runs is ignored);
/// its errors land in the section's message.
async function run(msgId, fn) {
  if (S.busy) return;
  S.busy = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 403 && S.token && ['draft-msg', 'org-msg'].includes(msgId)) {
      dropToken('login.expired');
    }
    noteError(msgId, e);
  } finally {
    S.busy = false;
    document.body.removeAttribute('aria-busy');
    render();
  }
}

/// Signs a committee statement for the place after `anchor` (PROTOCOL.md
/// §5.3): the entry hash of the last line that is not a ballot, from the
/// log this device verified (`a.anchor`) or, for the statements made
/// without downloading the log, from a fresh view (`viewAnchor`).
function sign(kind, anchor, extra = {}) {
  return tn.callSync('sign_statement', {
    election_hash: S.view.election_hash,
    anchor,
    secret: S.key.secret,
    signer: S.key.member,
    kind,
    ...extra,
  }).signature;
}

/// The anchor of the next statement as the server's view gives it now. A
/// wrong one only gets the statement refused; it cannot place it elsewhere.
async function viewAnchor() {
  return (await api('GET', E())).anchor;
}

function remember(id) {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]').filter((x) => x !== id);
    list.unshift(id);
    localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 10)));
  } catch (_) { /* not remembered */ }
}
function recent() {
  try { return JSON.parse(localStorage.getItem(RECENT_KEY) || '[]'); } catch (_) { return []; }
}

function dropToken(key) {
  S.token = '';
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (_) { /* none */ }
  if (key) note('login-msg', key, null, 'c-warn');
}

// --- the election ----------------------------------------------------------

async function loadView() {
  if (!S.id) return;
  try {
    const v = await api('GET', E());
    const before = S.view ? S.view.phase : null;
    S.view = v;
    if (S.notes.msg && S.notes.msg.key === 'err.notfound') note('msg', null);
    if (before && before !== v.phase) { S.confirmClose = false; S.confirmSeal = false; }
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 404) {
      S.view = null;
      note('msg', 'err.notfound', { id: S.id }, 'c-bad');
    } else if (!S.view) noteError('msg', e);
  }
  render();
}

function setId(id, { push = true } = {}) {
  S.id = id;
  S.view = null;
  S.result = null;
  S.resultRun = false;
  S.sheet = null;
  S.sheetNode = null;
  S.election = null;
  S.pending = null;
  if (S.key && S.key.election !== id) S.key = null;
  const url = id ? `/committee?id=${encodeURIComponent(id)}` : '/committee';
  if (push) history.replaceState(null, '', url);
  if (id && S.token) remember(id);
  return loadView();
}

// --- rendering -------------------------------------------------------------

function render() {
  const v = S.view;
  const ph = v ? v.phase : null;
  const org = Boolean(S.token);
  // After sealing, the meeting as line 0 of the last log this device
  // verified says it (the server's description only until then).
  const m = v && ph !== 'draft' && S.election ? S.election : v;
  $('meeting-line').textContent = v ? t('meeting.line', { title: m.title, unit: m.unit, date: m.date, id: v.id }) : '';
  renderPhases(ph);
  show('s-start', !org && !S.memberMode);
  show('s-org-home', org && !S.id && !S.draft && !S.created);
  show('s-draft', org && Boolean(S.draft));
  show('s-codes', org && Boolean(S.created));
  const main = v && !S.draft && !S.created;
  show('s-org', org && main);
  show('s-status', main && ph !== 'draft');
  show('s-member', S.memberMode && main && ph !== 'draft');
  const k = Boolean(S.key) && main;
  show('s-attendance', k && ph === 'setup');
  show('s-sheet', k && (ph === 'setup' || (ph === 'voting' && v.present !== null && v.issued < v.present) || Boolean(S.sheet)));
  show('s-open', k && ph === 'setup');
  show('s-voting', main && ph === 'voting');
  show('s-decrypt', main && ph === 'closed');
  show('s-result', main && ph === 'done');
  if (S.memberMode && v && ph === 'draft' && !org) note('msg', 'member.draft', null, 'c-warn');
  else if (S.notes.msg && S.notes.msg.key === 'member.draft') note('msg', null);

  if (!$('s-org-home').hidden) renderOrgHome();
  if (!$('s-codes').hidden) renderCodes();
  if (!$('s-org').hidden) renderOrg();
  if (!$('s-status').hidden) renderStatus();
  if (!$('s-member').hidden) renderMember();
  if (!$('s-attendance').hidden) renderAttendance();
  if (!$('s-sheet').hidden) renderSheet();
  if (!$('s-open').hidden) renderOpen();
  if (!$('s-voting').hidden) renderVoting();
  if (!$('s-decrypt').hidden) renderDecrypt();
  if (!$('s-result').hidden) renderResult();
  for (const id of Object.keys(S.notes)) paintNote(id);
}

function renderPhases(ph) {
  const list = $('phases');
  list.hidden = !ph;
  if (!ph) return;
  const at = PHASES.indexOf(ph);
  list.replaceChildren(...PHASES.map((p, i) => el('li', {
    'aria-current': i === at ? 'step' : null,
    class: i < at ? 'c-past' : null,
    text: t(`phase.${p}`),
  })));
}

function renderOrgHome() {
  const dl = $('recent-ids');
  const ids = recent();
  if (dl.childElementCount !== ids.length) dl.replaceChildren(...ids.map((id) => el('option', { value: id })));
}

function codesTable(names, codes) {
  return el('table', { class: 'c-codes' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('codes.col.n') }), el('th', { scope: 'col', text: t('codes.col.name') }), el('th', { scope: 'col', text: t('codes.col.code') }))),
    el('tbody', {}, names.map((n, i) => el('tr', {},
      el('td', { text: String(i + 1) }), el('td', { text: n }), el('td', { class: 'c-code', text: codes[i] })))));
}

function renderCodes() {
  const c = S.created;
  const origin = location.origin;
  const box = el('div', { class: 'c-codes-sheet' },
    el('h3', { text: t('codes.title', { title: c.input.title, id: c.id }) }),
    el('h3', { text: t('codes.members.h') }),
    el('p', { class: 'c-help', text: t('codes.members.help', { link: `${origin}/committee?id=${c.id}` }) }),
    codesTable(c.input.committee, c.trustee_codes),
    el('h3', { text: t('codes.candidates.h') }),
    el('p', { class: 'c-help', text: t('codes.candidates.help', { link: `${origin}/results/${c.id}` }) }),
    codesTable(c.input.candidates.map((x) => `${x.name} — ${x.position}`), c.candidate_codes));
  $('codes-print').replaceChildren(box);
}

function renderOrg() {
  const v = S.view;
  const draft = v.phase === 'draft';
  show('org-draft', draft);
  show('org-sealed', !draft);
  show('seal-confirm', draft && S.confirmSeal);
  if (draft) {
    $('draft-summary').replaceChildren(el('dl', { class: 'c-dl' },
      el('dt', { text: t('sum.title') }), el('dd', { text: v.title }),
      el('dt', { text: t('sum.unit') }), el('dd', { text: v.unit }),
      el('dt', { text: t('sum.date') }), el('dd', { text: v.date }),
      el('dt', { text: t('sum.summoned') }), el('dd', { text: String(v.summoned) }),
      el('dt', { text: t('sum.candidates') }), el('dd', {}, el('ol', { class: 'c-list' }, v.candidates.map((c) => el('li', { text: `${c.name} — ${c.position}` })))),
      el('dt', { text: t('sum.committee') }), el('dd', {}, el('ol', { class: 'c-list' }, v.committee.map((n) => el('li', { text: n }))))));
  } else {
    const link = `${location.origin}/committee?id=${encodeURIComponent(S.id)}`;
    $('member-link').href = link;
    $('member-link').textContent = link;
    if (!S.memberQr || S.memberQr.id !== S.id) {
      try {
        S.memberQr = { id: S.id, node: svgNode(tn.callSync('qr_svg', { text: link }).svg, t('org.qr')) };
      } catch (e) {
        // The browser module is still loading: draw the code once it is in.
        if (/has not finished/.test(e.message)) tn.load().then(render, () => {});
        else S.memberQr = { id: S.id, node: el('span') };
      }
    }
    if (S.memberQr && S.memberQr.id === S.id) {
      S.memberQr.node.setAttribute('aria-label', t('org.qr'));
      if ($('member-qr').firstChild !== S.memberQr.node) $('member-qr').replaceChildren(S.memberQr.node);
    }
  }
  $('org-results').href = `/results/${encodeURIComponent(S.id)}`;
  $('org-inspector').href = `/inspector?id=${encodeURIComponent(S.id)}&verify`;
}

function renderStatus() {
  const v = S.view;
  $('fig-summoned').textContent = String(v.summoned);
  $('fig-present').textContent = v.present === null ? '–' : String(v.present);
  $('fig-issued').textContent = String(v.issued);
  $('fig-returned').textContent = String(v.returned);
  const q = $('quorum-line');
  if (v.present === null) {
    q.className = 'c-note';
    q.textContent = t('r2.none', { need: need(v.summoned), summoned: v.summoned });
  } else {
    const met = quorumMet(v.present, v.summoned);
    q.className = `c-note ${met ? 'c-ok' : 'c-bad'}`;
    q.textContent = t(met ? 'r2.met' : 'r2.short', { present: v.present, summoned: v.summoned, need: need(v.summoned) });
  }
  const decrypting = v.phase === 'closed' || v.phase === 'done';
  $('committee-list').replaceChildren(...v.committee.map((name, i) => {
    const keyed = Boolean(v.trustee_keys[i]);
    const parts = [`${i + 1}. ${name}`];
    if (S.key && S.key.member === i) parts.push(t('member.me'));
    return el('li', { dataset: { member: i, key: keyed ? 'yes' : 'no', decrypted: v.decrypted_by[i] ? 'yes' : 'no' } },
      `${parts.join(' ')} — `,
      el('span', { class: `c-badge ${keyed ? 'c-ok' : ''}`, text: t(keyed ? 'member.key.ok' : 'member.key.none') }),
      decrypting ? ' ' : null,
      decrypting ? el('span', { class: `c-badge ${v.decrypted_by[i] ? 'c-ok' : ''}`, text: t(v.decrypted_by[i] ? 'member.dec.ok' : 'member.dec.none') }) : null);
  }));
  $('log-line').textContent = t('status.logline', { n: v.log_length, head: v.head ? `${v.head.slice(0, 16)}…` : '–' });
}

function renderMember() {
  const v = S.view;
  const sel = $('member-index');
  const want = [t('member.choose'), ...v.committee.map((n, i) => `${i + 1}. ${n}`)].join('\n');
  if (sel.dataset.options !== want) {
    sel.replaceChildren(el('option', { value: '', text: t('member.choose') }),
      ...v.committee.map((n, i) => el('option', { value: String(i), text: `${i + 1}. ${n}` })));
    sel.dataset.options = want;
    sel.value = S.memberIndex === null ? '' : String(S.memberIndex);
  }
  const ms = $('member-state');
  if (S.key) {
    ms.className = 'c-note c-ok';
    ms.textContent = t('member.loaded', { name: v.committee[S.key.member], n: S.key.member + 1 });
  } else {
    ms.className = 'c-note';
    ms.textContent = t('member.nokey');
  }
  show('member-choose', !S.key);
  show('key-forget', Boolean(S.key));
  const i = S.memberIndex;
  const chosen = i !== null;
  const enrolled = chosen && Boolean(v.trustee_keys[i]);
  const ceremony = v.phase === 'setup' && !v.election_key;
  show('keygen-box', ceremony && (!chosen || !enrolled));
  show('keyload-box', !ceremony || (chosen && enrolled) || !chosen);
  const p = S.pending && S.pending.member === i ? S.pending : null;
  show('keycard-box', Boolean(p));
  $('keygen').hidden = Boolean(p);
  if (p) {
    renderKeycard(p);
    $('enroll').disabled = !p.saved || S.busy;
  }
}

function keyFileOf(k) {
  const v = S.view;
  return {
    election: S.id,
    member: k.member,
    key: k.secret,
    public: k.public || k.key,
    name: v.committee[k.member],
    title: v.title,
    code: k.code || undefined,
    note: 'Tệp khoá bí mật của thành viên Ban kiểm phiếu: giữ kín, cần để giải mã kết quả. Secret key file of a counting committee member: keep it private; it is needed to decrypt the result.',
  };
}

function renderKeycard(p) {
  const v = S.view;
  if (!S.keycardQr || S.keycardQr.secret !== p.secret) {
    const text = JSON.stringify({ election: S.id, member: p.member, key: p.secret });
    S.keycardQr = { secret: p.secret, node: svgNode(tn.callSync('qr_svg', { text }).svg, t('keycard.qr')) };
  }
  const groups = p.secret.match(/.{1,8}/g).join(' ');
  $('keycard').replaceChildren(el('div', { class: 'c-keycard' },
    S.keycardQr.node,
    el('h3', { text: t('keycard.h') }),
    el('p', { lang: tr.lang() === 'vi' ? 'en' : 'vi', class: 'c-help', text: t('keycard.en') }),
    el('p', { text: t('keycard.member', { name: v.committee[p.member], n: p.member + 1 }) }),
    el('p', { text: t('keycard.election', { title: v.title, id: S.id }) }),
    el('p', { class: 'c-label', text: t('keycard.secret') }),
    el('p', { class: 'c-secret', dataset: { secret: 'key' }, text: groups }),
    el('p', { class: 'c-label', text: t('keycard.public') }),
    el('p', { class: 'c-hash', text: p.key }),
    el('p', { class: 'c-help', text: t('keycard.help') })));
  S.keycardQr.node.setAttribute('aria-label', t('keycard.qr'));
}

function renderAttendance() {
  const v = S.view;
  const input = $('present');
  input.max = String(v.summoned);
  if (document.activeElement !== input && !input.dataset.touched) input.value = v.present === null ? '' : String(v.present);
  renderR2();
}

function renderR2() {
  const v = S.view;
  const box = $('att-check');
  const raw = $('present').value.trim();
  const p = Number(raw);
  if (raw === '' || !Number.isInteger(p) || p < 0) {
    box.className = 'c-note';
    box.textContent = t('r2.none', { need: need(v.summoned), summoned: v.summoned });
  } else if (p > v.summoned) {
    box.className = 'c-note c-bad';
    box.textContent = t('r2.over', { summoned: v.summoned });
  } else {
    const met = quorumMet(p, v.summoned);
    box.className = `c-note ${met ? 'c-ok' : 'c-bad'}`;
    box.textContent = t(met ? 'r2.met' : 'r2.short', { present: p, summoned: v.summoned, need: need(v.summoned) });
  }
}

function remaining() {
  const v = S.view;
  return v.present === null ? 0 : Math.max(0, v.present - v.issued);
}

function renderSheet() {
  const v = S.view;
  const count = $('sheet-count');
  const base = $('sheet-base');
  const left = remaining();
  count.max = String(Math.min(5000, left));
  if (document.activeElement !== count && !count.dataset.touched) count.value = left > 0 ? String(left) : '';
  if (!base.value) base.value = location.origin;
  renderBaseWarning();
  const make = $('sheet-make');
  if (v.present === null) {
    make.disabled = true;
    if (!S.notes['sheet-msg']) note('sheet-msg', 'sheet.needpresent', null, 'c-warn');
  } else if (left === 0) {
    make.disabled = true;
    if (!S.sheet && (!S.notes['sheet-msg'] || S.notes['sheet-msg'].key === 'sheet.needpresent')) {
      note('sheet-msg', 'sheet.full', { issued: v.issued, present: v.present }, 'c-ok');
    }
  } else {
    make.disabled = S.busy;
    if (S.notes['sheet-msg'] && ['sheet.needpresent', 'sheet.full'].includes(S.notes['sheet-msg'].key)) note('sheet-msg', null);
  }
  show('sheet-box', Boolean(S.sheet));
  if (S.sheet && $('sheet-preview').firstChild !== S.sheetNode) $('sheet-preview').replaceChildren(S.sheetNode);
  if (!S.sheet) $('sheet-preview').replaceChildren();
}

/// The printable slips: each with the meeting (from line 0 of the log this
/// device verified, `election`), the QR code of the voter URL (which ends
/// with the election check, PROTOCOL.md §5.10), the same code and URL in
/// text, and short instructions in Vietnamese with English beside
/// them (the printed sheet does not follow the page's language toggle: it
/// is read in the room).
function slipsNode(list, offset, fingerprint, election) {
  const v = election;
  return el('div', { class: 'c-sheet' }, el('div', { class: 'c-slips' }, list.map((c, i) => {
    const n = offset + i + 1;
    return el('div', { class: 'c-slip', dataset: { slip: n } },
      el('p', { class: 'c-slip-t', text: v.title }),
      el('p', {}, `${v.unit} · `, el('span', { class: 'c-slip-n', text: `№ ${n}` })),
      svgNode(c.qr, `Mã QR để mở phiếu số ${n} / QR code opening ballot no. ${n}`),
      el('p', { class: 'c-slip-code', text: c.text }),
      el('p', { class: 'c-slip-url', text: c.url }),
      el('p', { class: 'c-slip-f' }, 'Mã nhận diện: ', el('b', { class: 'c-slip-fp', text: fingerprint }), ' — phải trùng với mã trên điện thoại (must match your phone)'),
      el('p', { class: 'c-slip-h', text: 'Quét mã QR bằng điện thoại (hoặc mở địa chỉ trên, nhập mã) để mở phiếu; chọn một mức cho từng người, xem lại rồi gửi. Mã chỉ dùng một lần. Không ghi tên lên phiếu này.' }),
      el('p', { class: 'c-slip-h', lang: 'en', text: 'Scan to open your ballot. One use only.' }));
  })));
}

function renderOpen() {
  const v = S.view;
  const box = $('open-check');
  const keys = v.trustee_keys.filter(Boolean).length;
  let key = 'open.ready';
  let vars = { issued: v.issued };
  let ok = true;
  if (!v.election_key) { key = 'open.nokeys'; vars = { done: keys, total: v.committee.length }; ok = false; }
  else if (v.present === null) { key = 'open.nopresent'; ok = false; }
  else if (!quorumMet(v.present, v.summoned)) { key = 'open.noquorum'; ok = false; }
  else if (v.issued === 0) { key = 'open.nosheet'; ok = false; }
  box.className = `c-note ${ok ? 'c-ok' : 'c-warn'}`;
  box.textContent = t(key, vars);
  $('open').disabled = !ok || S.busy;
}

function renderVoting() {
  const v = S.view;
  $('voting-count').textContent = t('voting.count', { returned: v.returned, issued: v.issued });
  const bar = $('voting-progress');
  bar.max = Math.max(1, v.issued);
  bar.value = v.returned;
  $('live-returned').textContent = String(v.returned);
  $('live-unused').textContent = String(v.unused);
  $('live-forged').textContent = String(v.refused.forged);
  $('live-repeated').textContent = String(v.refused.repeated);
  show('close-box', Boolean(S.key));
  show('close', !S.confirmClose);
  show('close-confirm', S.confirmClose);
  $('close-confirm-text').textContent = t('close.confirm', { returned: v.returned, issued: v.issued, unused: v.unused });
}

function renderDecrypt() {
  const v = S.view;
  $('decrypt-list').replaceChildren(...v.committee.map((name, i) => el('li', { dataset: { member: i } },
    `${i + 1}. ${name}${S.key && S.key.member === i ? ` ${t('member.me')}` : ''} — `,
    el('span', { class: `c-badge ${v.decrypted_by[i] ? 'c-ok' : ''}`, text: t(v.decrypted_by[i] ? 'member.dec.ok' : 'member.dec.none') }))));
  const done = v.decrypted_by.filter(Boolean).length;
  const all = done === v.committee.length;
  const mine = S.key ? v.decrypted_by[S.key.member] : false;
  show('decrypt', Boolean(S.key) && !mine);
  show('publish-box', Boolean(S.key) && all);
  const m = S.notes['decrypt-msg'];
  const auto = !m || ['decrypt.needkey', 'decrypt.mine', 'decrypt.wait', 'decrypt.done'].includes(m.key);
  if (auto) {
    if (!S.key) note('decrypt-msg', 'decrypt.needkey', null, 'c-warn');
    else if (mine && !all) note('decrypt-msg', 'decrypt.wait', { done, total: v.committee.length }, 'c-ok');
    else if (mine) note('decrypt-msg', 'decrypt.mine', null, 'c-ok');
    else note('decrypt-msg', null);
  }
}

function renderResult() {
  if (!S.result && !S.resultRun) verifyResult();
  show('minutes-code-box', !S.token && !(S.key && S.key.code));
  $('result-results').href = `/results/${encodeURIComponent(S.id)}`;
  $('result-inspector').href = `/inspector?id=${encodeURIComponent(S.id)}&verify`;
  const a = S.result;
  if (!a) return;
  const rn = $('result-note');
  if (a.result) {
    rn.className = 'c-note c-ok';
    const s = (a.ms / 1000).toFixed(2);
    rn.textContent = t('result.verified', { n: a.total, s: tr.lang() === 'vi' ? s.replace('.', ',') : s });
    $('result-summary').replaceChildren(resultSummary(a.result, t));
    $('result-table').replaceChildren(resultTable(a.result, t, tr.lang()));
  } else {
    rn.className = 'c-note c-bad';
    rn.textContent = t('result.failed', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? a.failure.reason : '' });
  }
}

// --- fetching and verifying the log ---------------------------------------

function fetchLog() {
  return tn.fetchText(`${E()}/log`);
}

/// The server's log as this device verifies it (with the progress box when
/// `progress`), and `bad`: the first line that fails before the end, if
/// any (running out of lines, "no result yet", is not one).
async function verifiedLog({ progress = false } = {}) {
  if (progress) show('verify-box', true);
  let a;
  try {
    a = await verifyLog(await fetchLog(), progress ? progressTo('verify-progress', 'verify-text') : undefined);
  } finally {
    if (progress) show('verify-box', false);
  }
  if (a.election && a.election.id === S.id) S.election = a.election;
  return { a, bad: a.failure && a.failure.seq < a.total ? a.failure : null };
}

function progressTo(barId, textId) {
  return (done, total) => {
    const bar = $(barId);
    bar.max = Math.max(1, total);
    bar.value = done;
    if (textId) $(textId).textContent = t('verify.text', { done, total });
  };
}

async function verifyResult() {
  S.resultRun = true;
  show('result-verify', true);
  try {
    const text = await fetchLog();
    S.result = await verifyLog(text, progressTo('result-progress'));
    if (S.result.election && S.result.election.id === S.id) S.election = S.result.election;
  } catch (e) {
    // Not retried by itself (that could loop); reloading the page retries.
    noteError('result-msg', e);
  } finally {
    show('result-verify', false);
  }
  render();
}

// --- actions ---------------------------------------------------------------

function parseCandidates(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (!line) return;
    const cells = splitCsv(line);
    const name = (cells[0] || '').trim();
    const position = cells.slice(1).join(', ').trim();
    const lower = name.toLowerCase();
    if (out.length === 0 && ['name', 'họ và tên', 'họ tên', 'ho va ten', 'full name', 'tên'].includes(lower)) return;
    out.push({ name, position, line: n + 1 });
  });
  return out;
}

/// One CSV line: comma, semicolon or tab separated, with "quoted" cells.
function splitCsv(line) {
  const sep = line.includes('\t') ? '\t' : (!line.includes(',') && line.includes(';')) ? ';' : ',';
  const cells = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') { quoted = true; cur = ''; }
    else if (ch === sep) { cells.push(cur); cur = ''; }
    else cur += ch;
  }
  cells.push(cur);
  // "Name, Position, with a comma" stays one position when the separator is a comma.
  return sep === ',' && cells.length > 2 ? [cells[0], cells.slice(1).join(',')] : cells;
}

function renderPreview() {
  const list = parseCandidates($('f-candidates').value);
  show('cand-preview-box', list.length > 0);
  $('cand-preview').replaceChildren(...list.map((c, i) => {
    const flags = S.r9.get(c.name) || { retiring: false, appointed: false };
    const out = flags.retiring || flags.appointed;
    const box = (k, label) => {
      const id = `r9-${i}-${k}`;
      const input = el('input', { type: 'checkbox', id, checked: flags[k] ? true : null });
      input.addEventListener('change', () => {
        S.r9.set(c.name, { ...flags, [k]: input.checked });
        renderPreview();
      });
      return el('label', { class: 'c-check', for: id }, input, el('span', { text: label }));
    };
    return el('li', { dataset: { excluded: out ? 'yes' : 'no' } },
      el('span', { class: out ? 'c-badge c-warn' : null, text: `${c.name || '?'} — ${c.position || '?'}${out ? ` (${t('f.excluded')})` : ''}` }),
      box('retiring', t('f.retiring')), box('appointed', t('f.appointed')));
  }));
}

function openDraft(editing) {
  S.draft = { editing };
  S.r9 = new Map();
  note('draft-msg', null);
  const v = editing ? S.view : null;
  $('draft-h').textContent = t(editing ? 'draft.edit' : 'draft.new');
  $('draft-h').dataset.i18n = editing ? 'draft.edit' : 'draft.new';
  $('draft-submit').dataset.i18n = editing ? 'draft.save' : 'draft.create';
  $('draft-submit').textContent = t(editing ? 'draft.save' : 'draft.create');
  show('draft-editnote', editing);
  $('f-title').value = v ? v.title : '';
  $('f-unit').value = v ? v.unit : '';
  $('f-date').value = v ? v.date : today();
  $('f-summoned').value = v ? String(v.summoned) : '';
  $('f-candidates').value = v ? v.candidates.map((c) => `${c.name}, ${c.position}`).join('\n') : '';
  $('f-committee').value = v ? v.committee.join('\n') : '';
  renderPreview();
  render();
  $('draft-h').focus();
}

/// Today in the browser's own time zone, `YYYY-MM-DD`.
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function draftInput() {
  const title = $('f-title').value.trim();
  const unit = $('f-unit').value.trim();
  const date = $('f-date').value;
  const summoned = Number($('f-summoned').value);
  if (!title || !unit) return { err: ['f.err.title'] };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { err: ['f.err.date'] };
  if (!Number.isInteger(summoned) || summoned < 1) return { err: ['f.err.summoned'] };
  const list = parseCandidates($('f-candidates').value);
  const bad = list.find((c) => !c.name || !c.position);
  if (bad) return { err: ['f.err.candidates', { line: bad.line }] };
  const candidates = list
    .filter((c) => { const f = S.r9.get(c.name); return !(f && (f.retiring || f.appointed)); })
    .map((c) => ({ name: c.name, position: c.position }));
  if (candidates.length === 0) return { err: ['f.err.none'] };
  const committee = $('f-committee').value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  if (committee.length === 0) return { err: ['f.err.committee'] };
  return { input: { title, unit, date, candidates, summoned, committee } };
}

async function submitDraft() {
  const { err, input } = draftInput();
  if (err) { note('draft-msg', err[0], err[1], 'c-bad'); return; }
  await run('draft-msg', async () => {
    note('draft-msg', 'f.saving');
    if (S.draft.editing) {
      await api('PUT', E(), input, { token: S.token });
      S.draft = null;
      note('org-msg', 'f.saved', null, 'c-ok');
      note('draft-msg', null);
      await loadView();
    } else {
      const created = await api('POST', '/api/elections', input, { token: S.token });
      S.draft = null;
      note('draft-msg', null);
      S.created = { ...created, input };
      await setId(created.id);
      $('codes-h').focus();
    }
  });
}

async function makeKey() {
  const i = S.memberIndex;
  if (i === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return; }
  const code = $('enroll-code').value.trim();
  if (!code) { note('member-msg', 'keygen.needcode', null, 'c-bad'); $('enroll-code').focus(); return; }
  await run('member-msg', async () => {
    await tn.load();
    const k = tn.callSync('trustee_keygen', { election_hash: S.view.election_hash, trustee: i, seed: tn.seed() });
    S.pending = { member: i, secret: k.secret, key: k.key, proof: k.proof, code, saved: false };
    note('member-msg', 'keygen.made', null, 'c-ok');
  });
  $('keyfile-save').focus();
}

function saveKeyFile() {
  const p = S.pending;
  if (!p) return;
  download(`khoa-ban-kiem-phieu-${S.id}-thanh-vien-${p.member + 1}.json`, `${JSON.stringify(keyFileOf(p), null, 2)}\n`);
  p.saved = true;
  note('member-msg', 'keygen.saved', null, 'c-ok');
  render();
}

async function enroll() {
  const p = S.pending;
  if (!p || !p.saved) return;
  await run('member-msg', async () => {
    try {
      await api('POST', `${E()}/trustees`, { trustee: p.member, key: p.key, proof: p.proof, code: p.code });
    } catch (e) {
      if (e instanceof tn.ApiError && e.status === 403) { note('member-msg', 'keygen.badcode', null, 'c-bad'); return; }
      throw e;
    }
    S.key = { election: S.id, member: p.member, secret: p.secret, public: p.key, code: p.code };
    S.pending = null;
    S.keycardQr = null;
    $('enroll-code').value = '';
    note('member-msg', 'keygen.enrolled', null, 'c-ok');
    await loadView();
  });
}

function useKey(obj, fallbackMember) {
  const v = S.view;
  const secret = String(obj.key || '').toLowerCase().replace(/[^0-9a-f]/g, '');
  const member = Number.isInteger(obj.member) ? obj.member : fallbackMember;
  if (secret.length !== 64 || !Number.isInteger(member) || member < 0 || member >= v.committee.length) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return;
  }
  if (obj.election && obj.election !== S.id) { note('member-msg', 'keyload.other', { id: obj.election }, 'c-bad'); return; }
  if (obj.public && v.trustee_keys[member] && obj.public !== v.trustee_keys[member]) {
    note('member-msg', 'keyload.mismatch', { n: member + 1 }, 'c-bad');
    return;
  }
  S.key = { election: S.id, member, secret, public: obj.public || v.trustee_keys[member] || '', code: obj.code || '' };
  S.memberIndex = member;
  $('member-index').value = String(member);
  note('member-msg', 'keyload.ok', { name: v.committee[member] }, 'c-ok');
  render();
}

async function loadKeyFile(file) {
  let obj;
  try {
    obj = JSON.parse(await file.text());
  } catch (_) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return;
  }
  if (!obj || typeof obj !== 'object') { note('member-msg', 'keyload.bad', null, 'c-bad'); return; }
  useKey(obj, S.memberIndex);
  $('keyfile').value = '';
}

function loadKeyText() {
  const text = $('keytext').value.trim();
  if (!text) return;
  let obj = null;
  if (text.startsWith('{')) {
    try { obj = JSON.parse(text); } catch (_) { obj = null; }
  } else obj = { key: text };
  if (!obj) { note('member-msg', 'keyload.bad', null, 'c-bad'); return; }
  if (!Number.isInteger(obj.member) && S.memberIndex === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return; }
  useKey(obj, S.memberIndex);
  $('keytext').value = '';
}

async function recordAttendance() {
  const v = S.view;
  const p = Number($('present').value);
  if (!Number.isInteger(p) || p < 0 || p > v.summoned) { note('att-msg', 'att.invalid', { summoned: v.summoned }, 'c-bad'); return; }
  await run('att-msg', async () => {
    await tn.load();
    const signature = sign('quorum', await viewAnchor(), { present: p });
    await api('POST', `${E()}/quorum`, { present: p, signer: S.key.member, signature });
    delete $('present').dataset.touched;
    note('att-msg', 'att.done', { present: p }, 'c-ok');
    await loadView();
  });
}

/// The host of `base` when it is one that only this machine can open
/// (127.0.0.0/8, ::1, localhost): a slip whose QR code points there leads a
/// phone nowhere. `null` otherwise, or when `base` is not a URL.
function loopbackHost(base) {
  let host;
  try { host = new URL(base).hostname.toLowerCase(); } catch { return null; }
  const bare = host.replace(/^\[|\]$/g, '');
  const loop = bare === 'localhost' || bare.endsWith('.localhost') || /^127\./.test(bare)
    || bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare === '0.0.0.0' || bare === '::';
  return loop ? host : null;
}

function sheetBase() {
  return ($('sheet-base').value.trim() || location.origin).replace(/\/+$/, '');
}

function renderBaseWarning() {
  const host = loopbackHost(sheetBase());
  const warn = $('sheet-base-warn');
  warn.hidden = !host;
  warn.textContent = host ? t('sheet.loopback.live', { host }) : '';
}

async function makeSheet() {
  const max = Math.min(5000, remaining());
  const n = Number($('sheet-count').value);
  if (!Number.isInteger(n) || n < 1 || n > max) { note('sheet-msg', 'sheet.invalid', { max }, 'c-bad'); return; }
  const base = sheetBase();
  // A phone cannot open a loopback address: say so before any slip is made,
  // and make only on a second press with the same address.
  const host = loopbackHost(base);
  if (host && S.loopbackOk !== base) {
    S.loopbackOk = base;
    note('sheet-msg', 'sheet.loopback', { host }, 'c-bad');
    return;
  }
  await run('sheet-msg', async () => {
    note('sheet-msg', 'sheet.making', { count: n });
    await tn.load();
    // The fingerprint printed on the slips comes from the log as this
    // device verifies it, with this member's own share in the election key,
    // never from the server's word: a phone shown another key shows another
    // fingerprint (docs/SECURITY.md).
    // The election check in every voter URL is made from the same log.
    const { a, bad } = await verifiedLog();
    const own = tn.callSync('trustee_public', { secret: S.key.secret }).public;
    if (!a.fingerprint || !a.election_check || !a.election || bad || a.trustee_keys[S.key.member] !== own) {
      note('sheet-msg', 'sheet.badlog', { reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
      return;
    }
    await tn.nextPaint();
    const sheet = tn.callSync('make_credentials', {
      election_id: S.id, count: n, base, election_hash: a.election_hash, election_key: a.election_key, seed: tn.seed(),
    });
    if (sheet.check !== a.election_check) throw new Error('election check');
    const made = sheet.credentials;
    const publics = made.map((c) => c.public);
    const signature = sign('credentials', a.anchor, { credentials: publics });
    const offset = S.view.issued;
    await api('POST', `${E()}/credentials`, { credentials: publics, signer: S.key.member, signature });
    S.sheet = made;
    S.sheetNode = slipsNode(made, offset, a.fingerprint, a.election);
    delete $('sheet-count').dataset.touched;
    await loadView();
    note('sheet-msg', 'sheet.made', { count: n, issued: S.view.issued, present: S.view.present }, 'c-ok');
  });
}

function clearSheet() {
  S.sheet = null;
  S.sheetNode = null;
  note('sheet-msg', 'sheet.cleared', null, 'c-ok');
  render();
}

async function openVoting() {
  await run('open-msg', async () => {
    await tn.load();
    const signature = sign('open', await viewAnchor());
    await api('POST', `${E()}/open`, { signer: S.key.member, signature });
    note('voting-msg', 'open.done', null, 'c-ok');
    await loadView();
  });
}

async function closeVoting() {
  await run('voting-msg', async () => {
    await tn.load();
    const signature = sign('close', await viewAnchor());
    await api('POST', `${E()}/close`, { signer: S.key.member, signature });
    S.confirmClose = false;
    note('decrypt-msg', null);
    note('voting-msg', 'close.done', null, 'c-ok');
    await loadView();
  });
}

async function decryptMine() {
  await run('decrypt-msg', async () => {
    note('decrypt-msg', 'decrypt.working');
    await tn.load();
    // The totals are summed here from the log, every line verified, never
    // taken from the server (GET /totals): a server that passed one ballot's
    // ciphertext off as a total would otherwise get every member to decrypt
    // that ballot (docs/SECURITY.md).
    const { a, bad } = await verifiedLog({ progress: true });
    if (!a.totals || a.phase !== 'Closed' || a.election_hash !== S.view.election_hash || a.entries !== a.total || bad) {
      note('decrypt-msg', 'decrypt.badlog', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? why(a.failure, tr.lang()) : a.phase }, 'c-bad');
      return;
    }
    await tn.nextPaint();
    const { shares } = tn.callSync('partial_decrypt', {
      election_hash: a.election_hash, trustee: S.key.member, secret: S.key.secret, totals: a.totals, seed: tn.seed(),
    });
    await api('POST', `${E()}/decryptions`, { trustee: S.key.member, shares });
    note('decrypt-msg', 'decrypt.done', null, 'c-ok');
    await loadView();
  });
}

async function publish() {
  await run('decrypt-msg', async () => {
    note('decrypt-msg', 'publish.working');
    // Every line must hold; the only complaint allowed is "no result yet".
    const { a, bad } = await verifiedLog({ progress: true });
    if (!a.decrypted_counts || a.entries !== a.total || bad) {
      note('decrypt-msg', 'publish.failed', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? why(a.failure, tr.lang()) : '' }, 'c-bad');
      return;
    }
    const counts = a.decrypted_counts;
    const signature = sign('result', a.anchor, { counts });
    await api('POST', `${E()}/result`, { counts, signer: S.key.member, signature });
    note('decrypt-msg', 'publish.done', null, 'c-ok');
    note('result-msg', 'publish.done', null, 'c-ok');
    await loadView();
    $('result-h').focus();
  });
}

function bearer() {
  return S.token || (S.key && S.key.code) || $('minutes-code').value.trim();
}

async function fetchMinutes() {
  const token = bearer();
  if (!token) { note('result-msg', 'minutes.needcode', null, 'c-bad'); $('minutes-code').focus(); return null; }
  return tn.fetchText(`${E()}/minutes`, { token });
}

/// The minutes in their own window. The window inherits this page's CSP,
/// which refuses the server page's inline <style>: it is replaced by
/// console.css (same origin), whose `c-minutes` rules are the same.
async function openMinutes() {
  // Opened at once, within the click, so that no pop-up blocker interferes.
  const w = window.open('', '_blank');
  await run('result-msg', async () => {
    const html = await fetchMinutes();
    if (html === null) { if (w) w.close(); return; }
    // The <style> is cut from the text before parsing: even an inert parse
    // of it is reported as a CSP violation.
    const doc = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style>/gi, ''), 'text/html');
    for (const n of doc.querySelectorAll('style, script, link')) n.remove();
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('/static/console.css', location.href).href;
    doc.head.append(link);
    doc.body.classList.add('c-minutes');
    const out = `<!doctype html>\n${doc.documentElement.outerHTML}`;
    if (S.minutesUrl) URL.revokeObjectURL(S.minutesUrl);
    S.minutesUrl = URL.createObjectURL(new Blob([out], { type: 'text/html' }));
    $('minutes-link').href = S.minutesUrl;
    $('minutes-link').hidden = false;
    if (w) {
      w.location.href = S.minutesUrl;
      note('result-msg', 'minutes.opened', null, 'c-ok');
    } else {
      note('result-msg', 'minutes.blocked', null, 'c-warn');
    }
  });
}

async function saveMinutes() {
  await run('result-msg', async () => {
    const html = await fetchMinutes();
    if (html !== null) download(`bien-ban-kiem-phieu-${S.id}.html`, html, 'text/html');
  });
}

// --- wiring ----------------------------------------------------------------

function wire() {
  tn.langButton($('lang'), tr);
  tr.onChange(() => {
    if (S.draft) {
      $('draft-h').textContent = t(S.draft.editing ? 'draft.edit' : 'draft.new');
      $('draft-submit').textContent = t(S.draft.editing ? 'draft.save' : 'draft.create');
      renderPreview();
    }
    $('member-index').dataset.options = '';
    render();
  });

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const password = $('password').value;
    if (!password) return;
    await run('login-msg', async () => {
      try {
        const { token } = await api('POST', '/api/login', { password });
        S.token = token;
        try { sessionStorage.setItem(TOKEN_KEY, token); } catch (_) { /* this page only */ }
        $('password').value = '';
        note('login-msg', null);
        if (S.id) { remember(S.id); await loadView(); }
      } catch (e) {
        if (e instanceof tn.ApiError && e.status === 403) note('login-msg', 'login.wrong', null, 'c-bad');
        else throw e;
      }
    });
  });
  $('member-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = $('member-eid').value.trim();
    if (!id) return;
    S.memberMode = true;
    if (id !== S.id) await setId(id);
    else render();
    if (S.view) $('member-h').focus();
  });
  $('logout').addEventListener('click', () => { dropToken(); render(); });
  $('new-election').addEventListener('click', () => openDraft(false));
  $('org-open-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = $('org-eid').value.trim();
    if (id) await setId(id);
  });
  $('org-home').addEventListener('click', () => { setId(''); render(); });

  $('f-candidates').addEventListener('input', renderPreview);
  $('f-csv').addEventListener('change', async () => {
    const f = $('f-csv').files[0];
    if (!f) return;
    $('f-candidates').value = (await f.text()).replace(/^\uFEFF/, '');
    $('f-csv').value = '';
    renderPreview();
  });
  $('s-draft').addEventListener('submit', (ev) => { ev.preventDefault(); submitDraft(); });
  $('draft-cancel').addEventListener('click', () => { S.draft = null; note('draft-msg', null); render(); });

  $('codes-printbtn').addEventListener('click', () => printNode($('codes-print')));
  $('codes-done').addEventListener('click', () => { S.created = null; render(); $('org-h').focus?.(); });

  $('edit-draft').addEventListener('click', () => openDraft(true));
  $('seal').addEventListener('click', () => { S.confirmSeal = true; render(); $('seal-yes').focus(); });
  $('seal-no').addEventListener('click', () => { S.confirmSeal = false; render(); $('seal').focus(); });
  $('seal-yes').addEventListener('click', () => run('org-msg', async () => {
    await api('POST', `${E()}/seal`, undefined, { token: S.token });
    S.confirmSeal = false;
    note('org-msg', 'org.sealed', null, 'c-ok');
    await loadView();
  }));

  $('member-index').addEventListener('change', () => {
    const v = $('member-index').value;
    S.memberIndex = v === '' ? null : Number(v);
    note('member-msg', null);
    render();
  });
  $('keygen').addEventListener('click', makeKey);
  $('keyfile-save').addEventListener('click', saveKeyFile);
  $('keycard-print').addEventListener('click', () => {
    if (!S.pending) return;
    printNode($('keycard'));
    S.pending.saved = true;
    render();
  });
  $('enroll').addEventListener('click', enroll);
  $('keyfile').addEventListener('change', () => { const f = $('keyfile').files[0]; if (f) loadKeyFile(f); });
  $('keytext-load').addEventListener('click', loadKeyText);
  $('key-forget').addEventListener('click', () => { S.key = null; note('member-msg', null); render(); });

  $('present').addEventListener('input', () => { $('present').dataset.touched = '1'; note('att-msg', null); renderR2(); });
  $('att-sign').addEventListener('click', recordAttendance);
  $('sheet-count').addEventListener('input', () => { $('sheet-count').dataset.touched = '1'; });
  $('sheet-make').addEventListener('click', makeSheet);
  $('sheet-base').addEventListener('input', () => { S.loopbackOk = null; renderBaseWarning(); });
  $('sheet-print').addEventListener('click', () => { if (S.sheetNode) printNode(S.sheetNode); });
  $('sheet-clear').addEventListener('click', clearSheet);
  $('open').addEventListener('click', openVoting);
  $('close').addEventListener('click', () => { S.confirmClose = true; render(); $('close-yes').focus(); });
  $('close-no').addEventListener('click', () => { S.confirmClose = false; render(); $('close').focus(); });
  $('close-yes').addEventListener('click', closeVoting);
  $('decrypt').addEventListener('click', decryptMine);
  $('publish').addEventListener('click', publish);
  $('minutes-open').addEventListener('click', openMinutes);
  $('minutes-save').addEventListener('click', saveMinutes);
}

async function main() {
  wire();
  tr.apply();
  try { S.token = sessionStorage.getItem(TOKEN_KEY) || ''; } catch (_) { S.token = ''; }
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  if (id) {
    $('member-eid').value = id;
    $('org-eid').value = id;
  }
  tn.load().catch(() => { /* reported when used */ });
  render();
  if (id) await setId(id, { push: false });
  // The public figures follow the meeting (never a ballot's content).
  setInterval(() => {
    if (S.id && S.view && S.view.phase !== 'done' && !S.busy && !document.hidden) loadView();
  }, 2000);
}

main();

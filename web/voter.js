// The voter's page (/v/{election}#{credential}.{check}): fill in the ballot,
// review it, encrypt and sign it on the phone with the browser module, send
// it, and keep the receipt. The credential never leaves the phone; the server
// sees only the encrypted, signed ballot.
//
// What the page shows of the election and encrypts to comes from the log's
// line 0 and election key line, never from the server's description: the
// page hashes line 0 (the election hash) and, when the QR code carries the
// election check (PROTOCOL.md §5.10), recomputes it from that hash and the
// key and refuses to show the ballot when they differ. A code typed by hand
// without the check shows the short fingerprint to compare with the slip.
//
// Screens: loading → (problem | wait | ballot → review → sealed →
// (sending → receipt | audited → ballot)). The review seals the ballot and
// shows its seal code; "Kiểm tra mã hoá" opens it (Benaloh's check, never
// counted, the slip stays unused) for a second device to recompute.
// `#track=CODE` instead of a credential opens the small lookup screen (the
// receipt's QR code points there).

import * as tn from './tn.js';

const STRINGS = {
  vi: {
    skip: 'Đến nội dung chính',
    brand: 'Phiếu tín nhiệm',
    'title.loading': 'Đang tải phiếu…',
    loading: 'Đang tải…',
    'step.module': 'Tải phần mã hoá phiếu',
    'step.election': 'Tải thông tin cuộc bỏ phiếu',
    'step.check': 'Kiểm tra nhật ký công khai và mã của bạn',
    'step.kb': '(đã nhận {kb} KB)',
    'step.kbof': '({kb}/{total} KB)',
    retry: 'Thử lại',
    restart: 'Làm lại phiếu',
    'manual.label': 'Nhập mã in dưới mã QR trên phiếu',
    'manual.go': 'Mở phiếu',
    'wait.h': 'Chưa mở bỏ phiếu',
    'wait.text': 'Ban kiểm phiếu chưa mở bỏ phiếu. Trang này sẽ tự mở phiếu khi bắt đầu; bạn không cần quét lại mã.',
    'wait.check': 'Kiểm tra lại',
    'ballot.h': 'Bước 1/3 · Ghi phiếu',
    'ballot.fp': 'Mã nhận diện cuộc bỏ phiếu: {code}. Mã này phải trùng với mã in trên phiếu mã của bạn; nếu khác, đừng bỏ phiếu và báo ngay cho Ban kiểm phiếu.',
    'ballot.fp.ok': 'Mã nhận diện {code} khớp với phiếu mã của bạn (đã tự kiểm tra).',
    'ballot.help': 'Với mỗi người, chọn một trong ba mức. Có thể bỏ chọn; để trống thì phần của người đó không hợp lệ.',
    'ballot.next': 'Xem lại phiếu',
    'ballot.count': 'Đã chọn {done}/{total} người',
    'level.high': 'Tín nhiệm cao',
    'level.confidence': 'Tín nhiệm',
    'level.low': 'Tín nhiệm thấp',
    'level.high.sub': '',
    'level.confidence.sub': '',
    'level.low.sub': '',
    clear: 'Bỏ chọn',
    'clear.label': 'Bỏ chọn cho {name}',
    'review.h': 'Bước 2/3 · Xem lại phiếu',
    'review.empty': 'Còn {count} người để trống. Phần để trống là phần không hợp lệ của phiếu (không tính cho người đó); phần còn lại vẫn được tính.',
    'review.all': 'Bạn để trống cả {count} người. Phiếu vẫn được tính là phiếu thu vào nhưng không có phần nào hợp lệ, nên không tính cho ai. Muốn đánh giá thì bấm “Sửa lại”.',
    'review.none': 'Để trống — phần này không hợp lệ',
    'review.back': 'Sửa lại',
    'review.seal': 'Mã hoá phiếu',
    'sealing': 'Đang mã hoá phiếu trên điện thoại…',
    'seal.code': 'Mã niêm phong',
    'sealed.h': 'Bước 2/3 · Phiếu đã mã hoá',
    'sealed.what': 'Mã này là dấu của phiếu vừa mã hoá: “Gửi phiếu” để bỏ phiếu, hoặc “Kiểm tra mã hoá” để mở chính phiếu này ra (không tính) và xem trên máy khác rằng điện thoại đã mã hoá đúng.',
    'sealed.send': 'Gửi phiếu',
    'sealed.check': 'Kiểm tra mã hoá',
    'auditing': 'Đang mở phiếu để kiểm tra…',
    'audited.h': 'Đã mở phiếu để kiểm tra',
    'audited.note': 'Phiếu này đã được mở ra và KHÔNG được tính. Phiếu mã của bạn chưa dùng: làm lại phiếu rồi gửi.',
    'audited.how': 'Quét mã QR này bằng một máy khác: máy đó tự tính lại các lựa chọn trong phiếu đã mở. Nếu khác lựa chọn của bạn, báo ngay cho Ban kiểm phiếu.',
    'audited.link': 'Mở trang kiểm tra phiếu mở',
    'audited.again': 'Làm lại phiếu',
    'audited.qr': 'Mã QR mở trang kiểm tra phiếu mở {seal}',
    'p.audit.h': 'Chưa kiểm tra được phiếu',
    'p.audit.help': 'Phiếu chưa được gửi và lựa chọn của bạn vẫn còn. Bấm “Làm lại phiếu” để mã hoá lại, rồi gửi hoặc kiểm tra.',
    'p.auditnet': 'Không kết nối được với máy chủ để mở phiếu.',
    'p.audit.dead': 'Phiếu mã này không bỏ phiếu được nữa. Báo cho Ban kiểm phiếu.',
    'sign.legend': 'Ký tên (không bắt buộc)',
    'sign.warning': 'Nếu ký tên, tên của bạn sẽ được công bố cùng phiếu: mọi người sẽ biết bạn đã bỏ phiếu, nhưng không ai biết bạn đã chọn gì. Không ký thì phiếu hoàn toàn ẩn danh.',
    'sign.want': 'Tôi muốn ký tên lên phiếu',
    'sign.name': 'Họ và tên',
    'sign.missing': 'Hãy nhập họ và tên, hoặc bỏ chọn ô ký tên.',
    'sign.long': 'Tên quá dài.',
    'sending.h': 'Đang gửi phiếu…',
    'sending.sending': 'Đang gửi phiếu đã mã hoá…',
    'sending.offline': 'Mất kết nối. Phiếu đã mã hoá được giữ an toàn trên điện thoại này và sẽ tự gửi lại khi có mạng (lần thử {n}). Đừng đóng trang; nếu đã đóng, quét lại mã để gửi tiếp.',
    'sending.offline.h': 'Chưa gửi được — đang chờ mạng',
    'sending.busy': 'Máy chủ đang bận. Phiếu được giữ trên điện thoại và sẽ tự gửi lại (lần thử {n}).',
    'sending.code': 'Mã theo dõi của phiếu:',
    'sending.resend': 'Gửi lại ngay',
    'receipt.h': 'Bước 3/3 · Phiếu đã được ghi nhận',
    'receipt.again.h': 'Phiếu của mã này đã được ghi nhận',
    'receipt.ok': 'Phiếu của bạn đã được mã hoá, ghi vào nhật ký công khai và lưu an toàn. Bạn có thể đóng trang này.',
    'receipt.again': 'Mã trên phiếu của bạn đã được dùng để bỏ phiếu; đây là biên nhận đã lưu trên điện thoại này. Không thể bỏ phiếu lần nữa.',
    'receipt.code': 'Mã theo dõi',
    'receipt.keep': 'Chụp màn hình hoặc ghi lại mã này. Mã chỉ cho biết phiếu có trong nhật ký, không cho biết bạn đã chọn gì.',
    'receipt.seq': 'Dòng trong nhật ký',
    'receipt.entry': 'Mã băm của dòng',
    'receipt.check': 'Tra cứu trên nhật ký công khai',
    'receipt.save': 'Lưu biên nhận về máy',
    'receipt.save.help': 'Tệp {file} chứa mã theo dõi, dòng, mã băm và chữ ký của máy chủ, không chứa lựa chọn của bạn; dùng để đối chiếu với nhật ký công khai sau này.',
    'receipt.signed': 'Phiếu có ký tên: {name}',
    'receipt.unsigned': 'Phiếu không ký tên (ẩn danh).',
    'results.published': 'Ban kiểm phiếu đã công bố kết quả. Bạn đã bỏ phiếu nên được xem kết quả.',
    'results.go': 'Xem kết quả',
    'receipt.qr': 'Mã QR để tra cứu mã theo dõi {code}',
    'check.found': 'Có trong nhật ký công khai: dòng {seq}, mã băm khớp với biên nhận.',
    'check.mismatch': 'Cảnh báo: nhật ký có mã này ở dòng {seq} nhưng mã băm không khớp với biên nhận. Báo ngay cho Ban kiểm phiếu và người giám sát.',
    'check.missing': 'Không tìm thấy mã này trong nhật ký công khai. Báo ngay cho Ban kiểm phiếu và người giám sát.',
    'lookup.h': 'Tra cứu mã theo dõi',
    'lookup.label': 'Mã theo dõi (ví dụ ABCD-EFGH)',
    'lookup.go': 'Tra cứu',
    'lookup.found': 'Có trong nhật ký công khai: dòng {seq}. Mã băm của dòng: {hash}',
    'lookup.missing': 'Không tìm thấy mã {code} trong nhật ký công khai.',
    'p.nocred.h': 'Chưa có mã bỏ phiếu',
    'p.nocred': 'Hãy quét mã QR trên phiếu được phát, hoặc nhập mã in dưới mã QR.',
    'p.badcred.h': 'Mã không đúng',
    'p.badcred': 'Mã này không đọc được (có thể nhập sai một ký tự). Kiểm tra lại mã trên phiếu, hoặc quét lại mã QR.',
    'p.noelection.h': 'Không tìm thấy cuộc lấy phiếu',
    'p.noelection': 'Địa chỉ này không ứng với cuộc lấy phiếu nào trên máy chủ. Hãy quét lại mã QR.',
    'p.network.h': 'Không kết nối được',
    'p.network': 'Không kết nối được với máy chủ. Kiểm tra Wi-Fi của phòng họp rồi thử lại.',
    'p.wasm.h': 'Không tải được phần mã hoá',
    'p.wasm': 'Trình duyệt không tải được phần mã hoá phiếu. Thử lại, hoặc dùng trình duyệt khác (Chrome, Safari, Firefox bản mới).',
    'p.closed.h': 'Đã kết thúc bỏ phiếu',
    'p.closed': 'Ban kiểm phiếu đã kết thúc bỏ phiếu; không nhận thêm phiếu.',
    'p.closedpending': 'Ban kiểm phiếu đã kết thúc bỏ phiếu trước khi phiếu của bạn đến máy chủ; phiếu này không được ghi nhận. Báo cho Ban kiểm phiếu.',
    'p.repeated.h': 'Mã này đã được dùng để bỏ phiếu',
    'p.repeated': 'Máy chủ cho biết đã có một phiếu được ghi nhận với mã này. Mỗi mã chỉ bỏ phiếu được một lần. Nếu bạn chưa hề bỏ phiếu, báo ngay cho Ban kiểm phiếu.',
    'p.forged.h': 'Mã không do Ban kiểm phiếu phát hành',
    'p.forged': 'Máy chủ không nhận mã này: nó không nằm trong các mã Ban kiểm phiếu đã phát. Báo cho Ban kiểm phiếu.',
    'p.cancelled.h': 'Phiếu mã này đã bị huỷ',
    'p.cancelled.help': 'Phiếu chưa được ghi nhận. Đưa phiếu mã này cho Ban kiểm phiếu để được phát phiếu mã mới, rồi quét mã mới.',
    'p.done.h': 'Đã công bố kết quả',
    'p.done': 'Mã trên phiếu của bạn đã được dùng để bỏ phiếu và Ban kiểm phiếu đã công bố kết quả. Bạn được xem kết quả.',
    'p.unknown': 'Máy chủ từ chối yêu cầu (mã lỗi {code}). Báo cho Ban kiểm phiếu.',
    'p.refused.h': 'Phiếu bị từ chối',
    'p.help.restart': 'Bạn có thể làm lại phiếu từ đầu.',
    'p.mismatch.h': 'Dừng lại — báo ngay cho Ban kiểm phiếu',
    'p.mismatch': 'Máy chủ đưa cho điện thoại này một cuộc bỏ phiếu khác với cuộc bỏ phiếu Ban kiểm phiếu đã in trên phiếu mã của bạn. Đừng bỏ phiếu. Báo ngay cho Ban kiểm phiếu và giữ lại phiếu mã.',
    'p.badlog.h': 'Không đọc được nhật ký của cuộc bỏ phiếu',
    'p.badlog': 'Điện thoại không đọc được dòng đầu của nhật ký công khai nên không thể kiểm tra phiếu. Đừng bỏ phiếu; thử lại, nếu vẫn lỗi thì báo cho Ban kiểm phiếu.',
    'check.bad': 'Cảnh báo: nhật ký công khai máy chủ đưa ra không khớp với biên nhận của bạn ({why}). Báo ngay cho Ban kiểm phiếu và người giám sát.',
    'why.election': 'dòng đầu không phải cuộc bỏ phiếu của bạn',
    'why.receipt': 'biên nhận không có chữ ký của máy chủ này',
    'why.chain': 'các dòng sau phiếu của bạn không nối liền',
    'why.head': 'chữ ký đầu nhật ký sai',
    'check.error': 'Không kiểm tra được biên nhận trên điện thoại này. Thử lại; nếu vẫn lỗi, báo cho Ban kiểm phiếu.',
    'kiosk.ok': 'Phiếu của bạn đã được mã hoá và ghi vào nhật ký công khai. Ghi lại mã theo dõi hoặc in biên nhận, rồi bấm “Xong”: máy sẽ xoá hết để người sau bỏ phiếu.',
    'kiosk.print': 'In biên nhận',
    'kiosk.keep': 'Ghi lại hoặc in mã này. Mã chỉ cho biết phiếu có trong nhật ký, không cho biết bạn đã chọn gì.',
    'kiosk.done': 'Xong',
    'kiosk.audit.how': 'Ghi lại mã niêm phong này hoặc in phiếu kiểm tra. Kiểm tra trên màn hình kiểm tra của phòng bỏ phiếu (nhập mã niêm phong) hoặc quét mã QR bằng một điện thoại khác: máy đó tự tính lại các lựa chọn trong phiếu đã mở. Nếu khác lựa chọn của bạn, báo ngay cho Ban kiểm phiếu.',
    'kiosk.audit.print': 'In phiếu kiểm tra',
  },
  en: {
    skip: 'Skip to the main content',
    brand: 'Confidence vote ballot',
    'title.loading': 'Loading the ballot…',
    loading: 'Loading…',
    'step.module': 'Downloading the encryption module',
    'step.election': 'Downloading the vote',
    'step.check': 'Checking the public log and your code',
    'step.kb': '({kb} KB received)',
    'step.kbof': '({kb}/{total} KB)',
    retry: 'Try again',
    restart: 'Fill in the ballot again',
    'manual.label': 'Type the code printed under the QR code on your slip',
    'manual.go': 'Open the ballot',
    'wait.h': 'Voting is not open yet',
    'wait.text': 'The counting committee has not opened voting yet. This page opens the ballot by itself when voting starts; no need to scan again.',
    'wait.check': 'Check again',
    'ballot.h': 'Step 1/3 · Fill in the ballot',
    'ballot.fp': 'Vote fingerprint: {code}. It must match the code printed on your slip; if it does not, do not vote and tell the counting committee at once.',
    'ballot.fp.ok': 'Vote fingerprint {code} matches your slip (checked).',
    'ballot.help': 'For each person, choose one of the three levels. You may clear a choice; an entry left empty is invalid for that person.',
    'ballot.next': 'Review the ballot',
    'ballot.count': '{done} of {total} people marked',
    'level.high.sub': 'high confidence',
    'level.confidence.sub': 'confidence',
    'level.low.sub': 'low confidence',
    clear: 'Clear',
    'clear.label': 'Clear the choice for {name}',
    'review.h': 'Step 2/3 · Review the ballot',
    'review.empty': '{count} left empty. An empty entry is an invalid entry (not counted for that person); the rest of the ballot still counts.',
    'review.all': 'You left all {count} empty. The ballot still counts as returned, but none of its entries is valid, so it counts for no one. To rate anyone, tap “Change”.',
    'review.none': 'Empty — this entry is invalid',
    'review.back': 'Change',
    'review.seal': 'Encrypt the ballot',
    'sealing': 'Encrypting the ballot on this phone…',
    'seal.code': 'Seal code',
    'sealed.h': 'Step 2/3 · Ballot encrypted',
    'sealed.what': 'This code marks the ballot just encrypted: “Send” casts it, or “Check the encryption” opens this very ballot (not counted) so that another device shows the phone encrypted your marks.',
    'sealed.send': 'Send',
    'sealed.check': 'Check the encryption',
    'auditing': 'Opening the ballot for the check…',
    'audited.h': 'Ballot opened for the check',
    'audited.note': 'This ballot was opened and is NOT counted. Your slip is still unused: fill in again, then send.',
    'audited.how': 'Scan this QR code with another device: it recomputes the marks of the opened ballot by itself. If they differ from yours, tell the counting committee at once.',
    'audited.link': 'Open the check of the opened ballot',
    'audited.again': 'Fill in again',
    'audited.qr': 'QR code opening the check of the opened ballot {seal}',
    'p.audit.h': 'The ballot could not be checked',
    'p.audit.help': 'Nothing was sent and your marks are kept. Tap “Fill in the ballot again” to encrypt anew, then send or check.',
    'p.auditnet': 'Cannot reach the server to open the ballot.',
    'p.audit.dead': 'This slip cannot vote any more. Tell the counting committee.',
    'sign.legend': 'Sign the ballot (optional)',
    'sign.warning': 'If you sign, your name is published with the ballot: everyone can see WHO voted, but no one can see what you chose. Unsigned, the ballot is fully anonymous.',
    'sign.want': 'I want to sign my ballot',
    'sign.name': 'Full name',
    'sign.missing': 'Type your full name, or untick the signature box.',
    'sign.long': 'The name is too long.',
    'sending.h': 'Sending the ballot…',
    'sending.sending': 'Sending the encrypted ballot…',
    'sending.offline': 'Connection lost. The encrypted ballot is kept safe on this phone and is sent again when the network is back (attempt {n}). Keep this page open; if you closed it, scan your code again to continue.',
    'sending.offline.h': 'Not sent yet — waiting for the network',
    'sending.busy': 'The server is busy. The ballot is kept on this phone and will be sent again (attempt {n}).',
    'sending.code': 'Tracking code of the ballot:',
    'sending.resend': 'Send again now',
    'receipt.h': 'Step 3/3 · Your ballot is recorded',
    'receipt.again.h': 'The ballot of this code is already recorded',
    'receipt.ok': 'Your ballot was encrypted, written to the public log and stored safely. You may close this page.',
    'receipt.again': 'The code on your slip has already been used to vote; this is the receipt kept on this phone. You cannot vote again.',
    'receipt.code': 'Tracking code',
    'receipt.keep': 'Take a screenshot or write this code down. It only shows that the ballot is in the log, never what you chose.',
    'receipt.seq': 'Line in the log',
    'receipt.entry': 'Hash of the line',
    'receipt.check': 'Look it up in the public log',
    'receipt.save': 'Save the receipt to this phone',
    'receipt.save.help': 'The file {file} holds the tracking code, the line, the hash and the server\'s signature, never your choices; keep it to compare with the public log later.',
    'receipt.signed': 'Signed ballot: {name}',
    'receipt.unsigned': 'Unsigned ballot (anonymous).',
    'results.published': 'The counting committee has published the result. You voted, so you may see it.',
    'results.go': 'See the results',
    'receipt.qr': 'QR code to look up tracking code {code}',
    'check.found': 'In the public log: line {seq}, and its hash matches the receipt.',
    'check.mismatch': 'Warning: the log has this code at line {seq} but its hash does not match the receipt. Tell the counting committee and the inspector now.',
    'check.missing': 'This code is not in the public log. Tell the counting committee and the inspector now.',
    'lookup.h': 'Look up a tracking code',
    'lookup.label': 'Tracking code (for example ABCD-EFGH)',
    'lookup.go': 'Look up',
    'lookup.found': 'In the public log: line {seq}. Hash of the line: {hash}',
    'lookup.missing': 'The code {code} is not in the public log.',
    'p.nocred.h': 'No voting code',
    'p.nocred': 'Scan the QR code on the slip you were handed, or type the code printed under it.',
    'p.badcred.h': 'Wrong code',
    'p.badcred': 'This code cannot be read (perhaps one character is mistyped). Check the code on your slip, or scan the QR code again.',
    'p.noelection.h': 'No such vote',
    'p.noelection': 'This address matches no vote on the server. Scan the QR code again.',
    'p.network.h': 'Cannot connect',
    'p.network': 'Cannot reach the server. Check the meeting room Wi-Fi and try again.',
    'p.wasm.h': 'The encryption module did not load',
    'p.wasm': 'The browser could not load the part that encrypts the ballot. Try again, or use another browser (a recent Chrome, Safari or Firefox).',
    'p.closed.h': 'Voting is closed',
    'p.closed': 'The counting committee has closed voting; no more ballots are taken.',
    'p.closedpending': 'The counting committee closed voting before your ballot reached the server; it was not recorded. Tell the counting committee.',
    'p.repeated.h': 'This code has already voted',
    'p.repeated': 'The server says a ballot has already been recorded with this code. Each code votes once. If you never voted, tell the counting committee now.',
    'p.forged.h': 'Code not issued by the counting committee',
    'p.forged': 'The server does not accept this code: it is not one the counting committee issued. Tell the counting committee.',
    'p.cancelled.h': 'This slip was cancelled',
    'p.cancelled.help': 'The ballot was not recorded. Hand this slip to the counting committee for a new one, then scan the new code.',
    'p.done.h': 'The result is published',
    'p.done': 'The code on your slip has voted and the counting committee has published the result. You may see it.',
    'p.unknown': 'The server refused the request (error code {code}). Tell the counting committee.',
    'p.refused.h': 'The ballot was refused',
    'p.help.restart': 'You can fill in the ballot again from the start.',
    'p.mismatch.h': 'Stop — call the counting committee',
    'p.mismatch': 'The server gave this phone a different vote from the one the counting committee printed on your slip. Do not vote. Tell the counting committee at once, and keep your slip.',
    'p.badlog.h': 'The vote\'s log cannot be read',
    'p.badlog': 'This phone cannot read the first line of the public log, so it cannot check the ballot. Do not vote; try again, and if it still fails tell the counting committee.',
    'check.bad': 'Warning: the public log the server gives does not match your receipt ({why}). Tell the counting committee and the inspector now.',
    'why.election': 'its first line is not your vote',
    'why.receipt': 'the receipt is not signed by this server',
    'why.chain': 'the lines after your ballot do not link up',
    'why.head': 'the signature of the log\'s head is wrong',
    'check.error': 'This phone could not check the receipt. Try again; if it still fails, tell the counting committee.',
    'kiosk.ok': 'Your ballot was encrypted and written to the public log. Write the tracking code down or print the receipt, then tap “Done”: the kiosk wipes everything for the next voter.',
    'kiosk.print': 'Print the receipt',
    'kiosk.keep': 'Write this code down or print it. It only shows that the ballot is in the log, never what you chose.',
    'kiosk.done': 'Done',
    'kiosk.audit.how': 'Write this seal code down or print the check slip. Check it on the room’s inspector screen (type the seal code) or scan the QR code with another phone: that device recomputes the marks of the opened ballot by itself. If they differ from yours, tell the counting committee at once.',
    'kiosk.audit.print': 'Print the check slip',
  },
};

const LEVELS = ['high', 'confidence', 'low'];
const tr = tn.i18n(STRINGS);
const $ = (id) => document.getElementById(id);

// Kiosk mode (web/kiosk.js, docs/SECURITY.md "The voting kiosk"): this page
// in a fresh iframe of /kiosk, one per voter, opened as /v/{id}?kiosk. The
// code comes from the kiosk by postMessage, never in the address; nothing is
// written to localStorage or sessionStorage (the ballot, receipt and
// credential live only in this frame's memory, discarded with the frame);
// no link leaves the frame; the receipt offers "print" and "done".
const KIOSK = window.parent !== window && new URLSearchParams(location.search).has('kiosk');

// What the page holds. `credential` lives only here (and in sessionStorage
// until the ballot is acknowledged, see takeCredential); `choices` only
// until the ballot is encrypted.
const state = {
  id: '',
  credential: null,
  // The election check from the QR code (null: a code typed by hand).
  check: null,
  // The election as this page verified it from the log: line 0's hash and
  // body, the election key, the fingerprint.
  election: null,
  storeKey: null,
  view: null,
  choices: [],
  record: null,
  sending: false,
  attempt: 0,
  retryTimer: null,
  waitTimer: null,
  resultsTimer: null,
  // The ballot sealed by the module (op 22) and not yet sent or opened:
  // `{ballot, tracking, seal, signed_by}`. Its randomness stays inside the
  // module; the page holds only what it would send.
  sealed: null,
  // An opened ballot (op 23) whose POST has not been answered yet: the same
  // body is sent again on "try again" (the server takes a retry).
  opened: null,
};

// ---------------------------------------------------------------- storage

// The credential comes in the URL fragment (never sent to a server). It is
// taken out of the address bar at once with history.replaceState: so that it
// is not left in the tab's history, shown to a neighbour looking at the
// screen, or copied along with the address. It is kept in sessionStorage
// (this tab only, gone when the tab closes) rather than only in memory, so
// that a reload on a flaky Wi-Fi does not force the voter to find the slip
// and scan again; and it is deleted from there as soon as the ballot is
// acknowledged, when this page has no further use for it. It is never put in
// localStorage, never logged and never sent.
function fragmentText() {
  try {
    return decodeURIComponent(location.hash.slice(1)).trim();
  } catch (_) {
    return location.hash.slice(1).trim();
  }
}

function takeCredential(id) {
  const key = `tinnhiem.credential.${id}`;
  const fragment = fragmentText();
  if (fragment && !fragment.startsWith('track=')) {
    history.replaceState(null, '', location.pathname + location.search);
    try { sessionStorage.setItem(key, fragment); } catch (_) { /* memory only */ }
    return fragment;
  }
  try { return sessionStorage.getItem(key); } catch (_) { return null; }
}

// `credential.check` (the QR code, or the whole printed text typed in) or
// the credential alone (typed by hand): the check is what follows the last
// dot. A credential never holds a dot.
function useCode(text) {
  const at = text ? text.lastIndexOf('.') : -1;
  state.credential = at < 0 ? text : text.slice(0, at);
  state.check = at < 0 ? null : text.slice(at + 1);
}

function forgetCredential() {
  state.credential = null;
  try { sessionStorage.removeItem(`tinnhiem.credential.${state.id}`); } catch (_) { /* nothing kept */ }
}

// The encrypted ballot and then its receipt are kept in localStorage, under
// the election id and a hash of the credential's *public* part (never the
// credential text), so that a network drop never loses a ballot:
// - the ballot is saved before the first send; if the answer never comes,
//   the same bytes are sent again (now, on reconnect, or after the voter
//   closes the tab and scans the slip again): the server answers the same
//   ballot twice with the same receipt, so it counts once. Re-encrypting
//   instead would make a *different* ballot, refused as `repeated` if the
//   first one had in fact arrived, and the voter would have no receipt;
// - localStorage rather than sessionStorage because a phone closes tabs,
//   runs out of battery or reopens the QR link in a new tab.
// What is kept is what the public log shows anyway (an encrypted ballot,
// its tracking code, a receipt): like any receipt it ties this phone to one
// log entry, never to a choice, since the choices are never stored. Once
// acknowledged, only the tracking code and the receipt stay, so that the
// same QR code opened again on this phone shows the receipt.
const RECORD_VERSION = 1;

function loadRecord() {
  if (KIOSK) return null;
  try {
    const r = JSON.parse(localStorage.getItem(state.storeKey) || 'null');
    return r && r.v === RECORD_VERSION ? r : null;
  } catch (_) {
    return null;
  }
}

function saveRecord(r) {
  state.record = r;
  if (KIOSK) return;
  try { localStorage.setItem(state.storeKey, JSON.stringify(r)); } catch (_) { /* kept in memory only */ }
}

function dropRecord() {
  state.record = null;
  try { localStorage.removeItem(state.storeKey); } catch (_) { /* nothing kept */ }
}

// ---------------------------------------------------------------- screens

const SCREENS = ['loading', 'problem', 'wait', 'ballot', 'review', 'sealed', 'audited', 'sending', 'receipt', 'lookup'];

function show(name, { focus = true } = {}) {
  for (const s of SCREENS) $(`s-${s}`).hidden = s !== name;
  document.body.dataset.screen = name;
  if (focus) {
    const h = $(`s-${name}`).querySelector('h2');
    if (h) h.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

function showMeeting(view) {
  if (!view) return;
  // Once line 0 is verified, only it names the election on this page.
  if (state.election && view !== state.election.body) return;
  const title = $('title');
  delete title.dataset.i18n;
  title.textContent = view.title;
  $('unit').textContent = view.unit;
  document.title = `${view.title} — ${view.unit}`;
  showDossier(state.election && view === state.election.body ? view : null);
}

// The leader's dossier (R12) that line 0 commits: one link per document,
// served by the server as exactly the bytes whose SHA-256 line 0 holds.
// Only from the verified line 0; nothing when it has none.
function showDossier(body) {
  const list = $('dossier');
  // The kiosk's frame opens no other window.
  const docs = (body && Array.isArray(body.dossier) && !KIOSK) ? body.dossier : [];
  list.replaceChildren(...docs.map((d, i) => {
    const a = document.createElement('a');
    a.href = `/api/elections/${encodeURIComponent(body.id)}/dossier/${i}`;
    a.target = '_blank';
    a.rel = 'noopener';
    a.dataset.dossier = String(i);
    a.textContent = `Hồ sơ của người được lấy phiếu (dossier): ${d.name}`;
    const li = document.createElement('li');
    li.append(a);
    return li;
  }));
  list.hidden = docs.length === 0;
}

// A problem screen: `key` names the heading (`p.<key>.h`) and text
// (`p.<key>`); `err` (an ApiError) adds the server's own words when no key
// text fits.
function problem(key, { err, retry, restart, manual, results, both } = {}) {
  stopTimers();
  tr.say($('problem-h'), `p.${key}.h`);
  const text = $('problem-text');
  // Red for a problem; the published result is good news.
  text.className = `v-note ${key === 'done' ? 'v-note-ok' : 'v-note-bad'}`;
  if (both) bothLanguages(text, both.vi, both.en);
  else if (STRINGS.vi[`p.${key}`]) tr.say(text, `p.${key}`);
  else if (err && (err.message_vi || err.message_en)) tr.sayBoth(text, err.message_vi, err.message_en);
  else tr.say(text, 'p.unknown', { code: err?.error || key });
  const help = $('problem-help');
  if (STRINGS.vi[`p.${key}.help`]) tr.say(help, `p.${key}.help`);
  else if (restart) tr.say(help, 'p.help.restart');
  else { help.textContent = ''; delete help.dataset.i18n; delete help.dataset.textVi; delete help.dataset.textEn; }
  $('problem-retry').hidden = !retry;
  $('problem-retry').onclick = retry || null;
  $('problem-restart').hidden = !restart;
  $('problem-restart').onclick = restart || null;
  $('problem-results').hidden = !results || KIOSK;
  $('problem-results').href = resultsHref();
  $('manual').hidden = !manual;
  show('problem');
}

// A refusal in Vietnamese with the English beside it, whatever the page's
// language (the voter may show it to a committee member who reads either).
function bothLanguages(el, vi, en) {
  delete el.dataset.i18n;
  delete el.dataset.i18nVars;
  delete el.dataset.textVi;
  delete el.dataset.textEn;
  const gloss = document.createElement('span');
  gloss.lang = 'en';
  gloss.className = 'v-gloss';
  gloss.textContent = en && en !== vi ? en : '';
  el.replaceChildren(vi || en || '', ' ', gloss);
}

// The results page of this election (R11). It finds this phone's proof of
// a counted ballot by itself: the `pass` of the stored receipt, or the
// credential of this tab (see `results.js`).
function resultsHref() {
  return `/results/${encodeURIComponent(state.id)}`;
}

function stopTimers() {
  clearTimeout(state.retryTimer);
  clearTimeout(state.waitTimer);
  clearTimeout(state.resultsTimer);
  state.retryTimer = state.waitTimer = state.resultsTimer = null;
}

// ---------------------------------------------------------------- ballot

// The candidates of line 0 (never the server's description of them).
function candidates() {
  return state.election.body.candidates;
}

function renderBallot() {
  const root = $('candidates');
  root.replaceChildren();
  candidates().forEach((c, i) => {
    const fs = document.createElement('fieldset');
    fs.className = 'v-cand';
    fs.id = `cand-${i}`;
    const legend = document.createElement('legend');
    const num = document.createElement('span');
    num.className = 'v-num';
    num.textContent = `${i + 1}.`;
    const name = document.createElement('span');
    name.className = 'v-name';
    name.textContent = c.name;
    const pos = document.createElement('span');
    pos.className = 'v-pos';
    pos.textContent = c.position;
    legend.append(num, ' ', name, ' ', pos);
    const levels = document.createElement('div');
    levels.className = 'v-levels';
    for (const level of LEVELS) {
      const label = document.createElement('label');
      label.className = 'v-level';
      label.dataset.level = level;
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = `c${i}`;
      input.value = level;
      input.checked = state.choices[i] === level;
      input.addEventListener('change', () => setChoice(i, level));
      const text = document.createElement('span');
      text.className = 'v-level-text';
      text.lang = 'vi';
      text.textContent = STRINGS.vi[`level.${level}`];
      const sub = document.createElement('span');
      sub.className = 'v-level-sub';
      sub.dataset.i18n = `level.${level}.sub`;
      sub.lang = 'en';
      sub.textContent = tr.t(`level.${level}.sub`);
      label.append(input, text, sub);
      levels.append(label);
    }
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'btn btn-quiet v-clear';
    clear.dataset.i18n = 'clear';
    clear.dataset.i18nLabel = 'clear.label';
    clear.dataset.i18nVars = JSON.stringify({ name: c.name });
    clear.textContent = tr.t('clear');
    clear.setAttribute('aria-label', tr.t('clear.label', { name: c.name }));
    clear.addEventListener('click', () => setChoice(i, null, true));
    fs.append(legend, levels, clear);
    root.append(fs);
    paintCandidate(i);
  });
  paintCount();
}

function setChoice(i, level, fromClear = false) {
  state.choices[i] = level;
  if (level === null) {
    for (const r of document.querySelectorAll(`input[name="c${i}"]`)) r.checked = false;
    if (fromClear) {
      // Keep the keyboard where the voter is: on the first choice.
      document.querySelector(`input[name="c${i}"]`)?.focus();
    }
  }
  paintCandidate(i);
  paintCount();
}

function paintCandidate(i) {
  const fs = $(`cand-${i}`);
  if (!fs) return;
  fs.classList.toggle('is-empty', !state.choices[i]);
  for (const l of fs.querySelectorAll('.v-level')) l.classList.toggle('is-on', l.dataset.level === state.choices[i]);
  fs.querySelector('.v-clear').disabled = !state.choices[i];
}

function paintCount() {
  const total = candidates().length;
  const done = state.choices.filter(Boolean).length;
  tr.say($('ballot-count'), 'ballot.count', { done, total });
}

function renderReview() {
  const list = $('review-list');
  list.replaceChildren();
  let empty = 0;
  candidates().forEach((c, i) => {
    const li = document.createElement('li');
    li.className = 'v-review-item';
    const who = document.createElement('p');
    who.className = 'v-review-who';
    const name = document.createElement('strong');
    name.textContent = c.name;
    const pos = document.createElement('span');
    pos.className = 'v-pos';
    pos.textContent = c.position;
    who.append(name, ' ', pos);
    const what = document.createElement('p');
    const choice = state.choices[i];
    if (choice) {
      what.className = `v-review-choice v-choice-${choice}`;
      const vi = document.createElement('span');
      vi.lang = 'vi';
      vi.textContent = STRINGS.vi[`level.${choice}`];
      const sub = document.createElement('span');
      sub.className = 'v-level-sub';
      sub.lang = 'en';
      sub.dataset.i18n = `level.${choice}.sub`;
      sub.textContent = tr.t(`level.${choice}.sub`);
      what.append(vi, ' ', sub);
    } else {
      empty += 1;
      li.classList.add('is-empty');
      what.className = 'v-review-choice v-note v-note-warn';
      tr.say(what, 'review.none');
    }
    li.append(who, what);
    list.append(li);
  });
  const warn = $('review-empty');
  warn.hidden = empty === 0;
  // Nothing marked at all: no "rest" that still counts.
  if (empty) tr.say(warn, empty === candidates().length ? 'review.all' : 'review.empty', { count: empty });
}

function signedBy() {
  if (!$('sign').checked) return { ok: true, name: null };
  const name = $('signed-by').value.trim().replace(/\s+/g, ' ');
  if (!name) return { ok: false, key: 'sign.missing' };
  if (new TextEncoder().encode(name).length > 200) return { ok: false, key: 'sign.long' };
  return { ok: true, name };
}

// ---------------------------------------------------------------- sending

// The review's button: the module seals the ballot (op 22: encrypts,
// proves, signs, and keeps the randomness) and the page shows its seal code
// before anything is sent; then the voter sends it or has it opened.
async function sealBallot() {
  if (state.record?.ballot) {
    // Already sent once (a second tap, a reload): never make a second ballot.
    await send();
    return;
  }
  const sig = signedBy();
  const err = $('sign-error');
  if (!sig.ok) {
    tr.say(err, sig.key);
    $('signed-by').setAttribute('aria-invalid', 'true');
    $('signed-by').focus();
    return;
  }
  err.textContent = '';
  delete err.dataset.i18n;
  $('signed-by').removeAttribute('aria-invalid');
  const button = $('review-seal');
  button.disabled = true;
  tr.say(button, 'sealing');
  await tn.nextPaint();
  const e = state.election;
  let answer;
  try {
    await tn.load();
    answer = tn.callSync('seal_ballot', {
      election_id: state.id,
      election_hash: e.hash,
      election_key: e.key,
      credential: state.credential,
      choices: state.choices.map((c) => c || null),
      signed_by: sig.name,
      seed: tn.seed(),
    });
  } catch (x) {
    if (x instanceof tn.WasmError) problem('badcred', { restart: backToBallot });
    else problem('wasm', { retry: sealBallot });
    return;
  } finally {
    button.disabled = false;
    tr.say(button, 'review.seal');
  }
  state.sealed = { ballot: answer.ballot, tracking: answer.tracking, seal: answer.seal, signed_by: sig.name };
  showSeal($('seal-code'), answer.seal);
  show('sealed');
}

// A seal code in two halves that wrap as wholes on a narrow phone; the
// text stays XXXX-XXXX-XXXX-XXXX.
function showSeal(el, seal) {
  const at = seal.length > 10 ? 10 : seal.length;
  const half = (text) => {
    const span = document.createElement('span');
    span.className = 'v-seal-half';
    span.textContent = text;
    return span;
  };
  el.replaceChildren(half(seal.slice(0, at)), half(seal.slice(at)));
  el.dataset.seal = seal;
}

// "Gửi phiếu": the module forgets the randomness (op 24) and the sealed
// ballot is sent as before: saved first, so that a drop loses nothing.
async function sendSealed() {
  const sealed = state.sealed;
  if (!sealed) return;
  try { tn.callSync('forget_sealed', {}); } catch (_) { /* nothing held: the ballot is sent anyway */ }
  state.sealed = null;
  saveRecord({
    v: RECORD_VERSION,
    tracking: sealed.tracking,
    seal: sealed.seal,
    ballot: sealed.ballot,
    election_hash: state.election.hash,
    pass: resultPass(state.election.hash),
    saved: Date.now(),
  });
  // The choices are not needed any more; the form is cleared so that the
  // phone, handed to someone, does not show them.
  state.choices = state.choices.map(() => null);
  $('candidates').replaceChildren();
  $('sign').checked = false;
  $('signed-by').value = '';
  $('sign-box').hidden = true;
  show('sending');
  await send();
}

// "Kiểm tra mã hoá": the module opens the sealed ballot (op 23: the
// ciphertexts, their randomness and the marks, and the slip's signature on
// the seal), and the server keeps it as an audit, never counted. The marks
// stay in the form: the voter fills in again and gets a new encryption.
async function checkSealed() {
  if (!state.opened) {
    const sealed = state.sealed;
    if (!sealed) return;
    try {
      state.opened = { seal: sealed.seal, body: tn.callSync('open_sealed', { seal: sealed.seal }) };
    } catch (_) {
      state.sealed = null;
      problem('wasm', { restart: backToBallot });
      return;
    }
    state.sealed = null;
  }
  const button = $('sealed-check');
  button.disabled = true;
  tr.say(button, 'auditing');
  try {
    await tn.api('POST', `/api/elections/${encodeURIComponent(state.id)}/audits`, state.opened.body);
  } catch (e) {
    onAuditError(e);
    return;
  } finally {
    button.disabled = false;
    tr.say(button, 'sealed.check');
  }
  // The code this page sealed and showed (the server's answer names it too).
  const { seal } = state.opened;
  state.opened = null;
  showAudited(seal);
}

function onAuditError(e) {
  if (!(e instanceof tn.ApiError)) e = new tn.ApiError({ status: 0, error: 'network' });
  // Not answered: the same opening may be sent again. Refused: the opened
  // ballot is of no further use, the voter fills in again.
  const retry = e.retryable ? checkSealed : null;
  if (!retry) state.opened = null;
  const vi = e.status === 0 ? STRINGS.vi['p.auditnet'] : e.message_vi;
  const en = e.status === 0 ? STRINGS.en['p.auditnet'] : e.message_en;
  // A slip that voted, was cancelled or was never issued cannot vote
  // either: no "fill in again", the committee is the way out.
  const dead = ['already_voted', 'cancelled', 'not_issued'].includes(e.error);
  problem('audit', {
    both: { vi: vi || STRINGS.vi['p.unknown'].replace('{code}', e.error), en: en || STRINGS.en['p.unknown'].replace('{code}', e.error) },
    retry,
    restart: dead ? null : backToBallot,
  });
  if (dead) tr.say($('problem-help'), 'p.audit.dead');
  $('problem-text').dataset.error = e.error || '';
}

async function showAudited(seal) {
  showSeal($('a-seal'), seal);
  // The inspector page of this server, with the vote and the seal filled
  // in, for a second device (PROTOCOL: the page there recomputes the marks).
  const url = `${location.origin}/inspector?id=${encodeURIComponent(state.id)}&seal=${encodeURIComponent(seal)}`;
  $('a-link').href = url;
  show('audited');
  const img = $('a-qr');
  img.hidden = true;
  try {
    const { svg } = await tn.call('qr_svg', { text: url });
    if (svg) {
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.dataset.i18nLabel = 'audited.qr';
      img.dataset.i18nVars = JSON.stringify({ seal });
      img.alt = tr.t('audited.qr', { seal });
      img.hidden = false;
    }
  } catch (_) {
    img.hidden = true; // the code and the link are shown; the QR is a convenience
  }
}

const RETRY_DELAYS = [2000, 4000, 8000, 15000];

async function send() {
  if (state.sending || !state.record?.ballot) return;
  state.sending = true;
  clearTimeout(state.retryTimer);
  state.retryTimer = null;
  state.attempt += 1;
  if (document.body.dataset.screen !== 'sending') show('sending');
  tr.say($('sending-h'), 'sending.h');
  $('sending-h').classList.add('v-spin');
  tr.say($('sending-text'), 'sending.sending');
  $('sending-code').textContent = state.record.tracking;
  $('sending-code-line').hidden = false;
  $('resend').hidden = true;
  let receipt;
  try {
    receipt = await tn.api('POST', `/api/elections/${encodeURIComponent(state.id)}/ballots`, state.record.ballot);
  } catch (e) {
    state.sending = false;
    onSendError(e);
    return;
  }
  state.sending = false;
  state.attempt = 0;
  // The receipt, the declared name (public in the log: the receipt shows
  // it back) and the result pass are kept; the ballot itself is not needed
  // any more.
  saveRecord({
    v: RECORD_VERSION,
    tracking: state.record.tracking,
    seal: state.record.seal || null,
    receipt,
    election_hash: state.record.election_hash,
    signed_by: state.record.ballot?.signed_by ?? null,
    pass: state.record.pass || null,
    saved: Date.now(),
  });
  markVoted();
  showReceipt(false);
}

// The voter's request for the result (R11, `POST /result/voter`): the
// credential's signature on the election hash (context `result-access`),
// made while the page still holds the credential, since the credential is
// forgotten once the ballot is acknowledged. It proves only that this
// phone's slip cast a ballot, which the stored receipt shows anyway, and
// opens nothing but the result the voter may see; the credential itself is
// never stored. Null when the module cannot make it (the results page then
// asks for the code on the slip).
function resultPass(electionHash) {
  try {
    const p = tn.callSync('voter_result_signature', {
      election_id: state.id, election_hash: electionHash, credential: state.credential, seed: tn.seed(),
    });
    return { credential: p.credential, signature: p.signature };
  } catch (_) {
    return null;
  }
}

function onSendError(e) {
  if (!(e instanceof tn.ApiError)) {
    // Not an answer from the server at all: keep the ballot and try again.
    e = new tn.ApiError({ status: 0, error: 'network' });
  }
  if (e.retryable) {
    const delay = RETRY_DELAYS[Math.min(state.attempt - 1, RETRY_DELAYS.length - 1)];
    tr.say($('sending-h'), 'sending.offline.h');
    tr.say($('sending-text'), e.status === 0 ? 'sending.offline' : 'sending.busy', { n: state.attempt });
    $('sending-h').classList.remove('v-spin');
    $('resend').hidden = false;
    state.retryTimer = setTimeout(send, delay);
    return;
  }
  switch (e.error) {
    case 'repeated':
      // Another ballot with this credential is in the log (the same one
      // would have been answered with its receipt).
      dropRecord();
      forgetCredential();
      problem('repeated');
      break;
    case 'phase':
      dropRecord();
      problem('closedpending');
      break;
    case 'forged':
      dropRecord();
      forgetCredential();
      problem('forged');
      break;
    case 'cancelled':
      // The committee cancelled this slip (a `cancel` entry): the server's
      // own words, in both languages, and what to do.
      dropRecord();
      forgetCredential();
      problem('cancelled', { err: e });
      break;
    default:
      // invalid_ballot and the like: this ballot will never be taken, so it
      // is dropped and the voter may fill in a new one.
      dropRecord();
      problem('refused', { err: e, restart: backToBallot });
  }
}

// Once the ballot is acknowledged the credential is of no further use to
// this page: it is forgotten, and a marker with only the storage key lets a
// reload of this tab find the receipt.
function markVoted() {
  forgetCredential();
  if (KIOSK) return;
  try { sessionStorage.setItem(`tinnhiem.voted.${state.id}`, state.storeKey); } catch (_) { /* no reload memory */ }
}

async function backToBallot() {
  dropRecord();
  if (!state.credential) {
    problem('nocred', { manual: true });
    return;
  }
  await openBallot();
}

// ---------------------------------------------------------------- receipt

async function showReceipt(again) {
  const r = state.record.receipt;
  const code = state.record.tracking || r.tracking;
  tr.say($('receipt-h'), again ? 'receipt.again.h' : 'receipt.h');
  tr.say($('receipt-note'), again ? 'receipt.again' : KIOSK ? 'kiosk.ok' : 'receipt.ok');
  $('r-code').textContent = code;
  // The seal code shown before sending (a receipt kept by an older page
  // has none).
  if (state.record.seal) showSeal($('r-seal'), state.record.seal);
  $('r-seal-line').hidden = !state.record.seal;
  $('r-seq').textContent = String(r.seq);
  $('r-entry').textContent = r.entry_hash;
  // R4: the name the ballot declares, as the phone sent it; the tracking
  // code covers it (PROTOCOL.md §5.6), so the line the receipt names in the
  // log carries exactly this name. A receipt kept by an older page has no
  // record of it and shows neither line.
  const signed = $('r-signed');
  if ('signed_by' in state.record) {
    if (state.record.signed_by) tr.say(signed, 'receipt.signed', { name: state.record.signed_by });
    else tr.say(signed, 'receipt.unsigned');
    signed.dataset.signedBy = state.record.signed_by || '';
    signed.hidden = false;
  } else {
    signed.hidden = true;
  }
  tr.say($('r-save-help'), 'receipt.save.help', { file: receiptFileName(code) });
  $('r-save-help').hidden = KIOSK;
  $('r-check-result').hidden = true;
  $('r-results').hidden = true;
  show('receipt');
  watchResults();
  // The QR code opens this page's lookup screen for the code, on any phone.
  const img = $('r-qr');
  try {
    const url = `${location.origin}/v/${encodeURIComponent(state.id)}#track=${code}`;
    const { svg } = await tn.call('qr_svg', { text: url });
    if (svg) {
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.dataset.i18nLabel = 'receipt.qr';
      img.dataset.i18nVars = JSON.stringify({ code });
      img.alt = tr.t('receipt.qr', { code });
      img.hidden = false;
    }
  } catch (_) {
    img.hidden = true; // the code is printed above; the QR is a convenience
  }
}

// The receipt as a file the voter keeps: the fields of a receipt
// (docs/INTERFACES.md, "Receipts") with the election and the declared name.
function receiptFileName(code) {
  return `bien-nhan-${code}.json`;
}

function saveReceipt() {
  const r = state.record.receipt;
  const code = state.record.tracking || r.tracking;
  const file = {
    election: state.id,
    election_hash: state.record.election_hash || null,
    tracking: code,
    seal: state.record.seal || null,
    seq: r.seq,
    entry_hash: r.entry_hash,
    head: r.head,
    head_signature: r.head_signature,
    signed_by: state.record.signed_by ?? null,
  };
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = receiptFileName(code);
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// After publication the receipt leads to the result (R11). Asked when the
// receipt is shown, when the voter comes back to the tab, and every 30 s
// while the receipt is on screen (a meeting counts within the hour).
async function watchResults() {
  clearTimeout(state.resultsTimer);
  state.resultsTimer = null;
  if (KIOSK || document.body.dataset.screen !== 'receipt') return;
  const ok = await fetchView({ quiet: true });
  if (document.body.dataset.screen !== 'receipt') return;
  const done = ok && state.view?.phase === 'done';
  $('r-results').hidden = !done;
  $('r-results-link').href = resultsHref();
  if (!done && !document.hidden) state.resultsTimer = setTimeout(watchResults, 30_000);
}

async function checkReceipt() {
  const r = state.record.receipt;
  const code = state.record.tracking || r.tracking;
  const out = $('r-check-result');
  out.hidden = false;
  out.className = 'v-note';
  tr.say(out, 'loading');
  // The log itself, not the server's word (`/tracking`): the lines from
  // the ballot's up to the signed head, and line 0 for the server's key.
  // The module checks the receipt's signature, that the line at its place
  // hashes to its entry hash and is this ballot, that every later line links
  // to the one before up to the head, and the head's signature
  // (PROTOCOL.md §5.8).
  try {
    const head = await tn.api('GET', `/api/elections/${encodeURIComponent(state.id)}/head`);
    const [election] = await tn.logLines(state.id, 0, 1);
    const lines = head.seq >= r.seq ? await tn.logLines(state.id, r.seq, head.seq + 1) : [];
    const res = await tn.call('check_receipt', {
      election: election || '',
      election_hash: state.record.election_hash || null,
      receipt: { tracking: code, seq: r.seq, entry_hash: r.entry_hash, head_signature: r.head_signature },
      head,
      lines,
    });
    out.className = `v-note ${res.ok ? 'v-note-ok' : 'v-note-bad'}`;
    if (res.ok) tr.say(out, 'check.found', { seq: r.seq });
    else if (res.problem === 'missing') tr.say(out, 'check.missing');
    else if (res.problem === 'mismatch') tr.say(out, 'check.mismatch', { seq: r.seq });
    else tr.say(out, 'check.bad', { why: tr.t(`why.${res.problem}`) });
  } catch (e) {
    out.className = 'v-note v-note-bad';
    if (e instanceof tn.ApiError) tr.sayBoth(out, e.message_vi, e.message_en);
    else tr.say(out, 'check.error');
  }
}

// ---------------------------------------------------------------- lookup

async function lookup(code) {
  const out = $('lookup-result');
  out.hidden = false;
  out.className = 'v-note';
  tr.say(out, 'loading');
  try {
    const found = await tn.api('GET', `/api/elections/${encodeURIComponent(state.id)}/tracking/${encodeURIComponent(code)}`);
    out.className = 'v-note v-note-ok';
    tr.say(out, 'lookup.found', { seq: found.seq, hash: found.entry_hash });
  } catch (e) {
    out.className = 'v-note v-note-bad';
    if (e instanceof tn.ApiError && e.status === 404) tr.say(out, 'lookup.missing', { code });
    else if (e instanceof tn.ApiError) tr.sayBoth(out, e.message_vi, e.message_en);
    else tr.say(out, 'p.network');
  }
}

// ---------------------------------------------------------------- start

// The meeting's public view; `quiet` when only the title is wanted (a
// failure then leaves the screen as it is).
async function fetchView({ quiet = false } = {}) {
  try {
    state.view = await tn.api('GET', `/api/elections/${encodeURIComponent(state.id)}`);
    showMeeting(state.election ? state.election.body : state.view);
    return true;
  } catch (e) {
    if (quiet) return false;
    if (e instanceof tn.ApiError && e.status === 404) problem('noelection');
    else problem('network', { retry: start });
    return false;
  }
}

async function openBallot() {
  // While waiting for the opening, a failed poll is only tried again later.
  const waiting = document.body.dataset.screen === 'wait';
  if (!(await fetchView({ quiet: waiting }))) {
    if (waiting) {
      clearTimeout(state.waitTimer);
      state.waitTimer = setTimeout(openBallot, 5000);
    }
    return;
  }
  const v = state.view;
  if (v.phase === 'voting' && v.election_key && v.election_hash) {
    stopTimers();
    loadingStep('check');
    if (!(await verifyElection())) return;
    if (!(await credentialUsable())) return;
    // The fingerprint of the key this phone will encrypt to, to compare
    // with the one the committee printed on the slip (docs/SECURITY.md):
    // what a voter who typed the code without the check relies on.
    // With the QR code's check the phone has compared them itself (above):
    // one short line, so that the first candidate is on the first screen.
    const fingerprint = state.election.fingerprint;
    const fp = $('ballot-fp');
    tr.say(fp, state.check ? 'ballot.fp.ok' : 'ballot.fp', { code: fingerprint });
    fp.className = state.check ? 'v-note v-note-ok v-note-small' : 'v-note';
    fp.dataset.fingerprint = fingerprint;
    fp.dataset.checked = state.check ? 'yes' : 'no';
    fp.hidden = false;
    const list = candidates();
    if (state.choices.length !== list.length) state.choices = list.map(() => null);
    renderBallot();
    show('ballot');
    return;
  }
  if (v.phase === 'closed' || v.phase === 'done') {
    // After publication, a slip that voted (on this phone or on another)
    // leads to the result (R11); the results page signs with the
    // credential this tab still holds.
    if (v.phase === 'done' && (await credentialVoted())) {
      problem('done', { results: true });
      return;
    }
    problem('closed');
    return;
  }
  // Not open yet: wait here, asking now and then (the focus is moved only
  // the first time, not at every poll).
  if (document.body.dataset.screen !== 'wait') show('wait');
  clearTimeout(state.waitTimer);
  state.waitTimer = setTimeout(openBallot, 5000);
}

// The election from the log: line 0 (hashed here: the election hash) and
// the election key line, fetched by range; the election check recomputed
// from them must equal the QR code's (PROTOCOL.md §5.10), else the ballot is
// never shown. True when the page may go on, with `state.election` set.
async function verifyElection() {
  if (state.election) return true;
  let lines;
  let keyLine;
  try {
    // Line 0, the members' key shares and, right after them, the election
    // key; further lines only if other entries came in between.
    lines = await tn.logLines(state.id, 0, (state.view.committee?.length || 0) + 2);
    const find = () => lines.map(parseLine).find((e) => e && e.kind === 'election_key');
    keyLine = find();
    while (!keyLine) {
      const more = await tn.logLines(state.id, lines.length, lines.length + 16);
      if (!more.length) break;
      lines = lines.concat(more);
      keyLine = find();
    }
  } catch (e) {
    problem('network', { retry: start });
    return false;
  }
  const first = parseLine(lines[0]);
  if (!first || first.seq !== 0 || first.kind !== 'election' || !first.body || !keyLine?.body?.key) {
    problem('badlog', { retry: start });
    return false;
  }
  const hash = tn.sha256(lines[0]);
  let made;
  try {
    made = tn.callSync('election_check', { election_hash: hash, election_key: keyLine.body.key });
  } catch (_) {
    problem('badlog', { retry: start });
    return false;
  }
  if (state.check !== null && tn.readCheck(state.check) !== made.check) {
    // Not the election the committee printed on the slip: a server that
    // served its own line 0 or key would read this ballot. Nothing of it is
    // shown and the credential is kept (the slip is still good).
    problem('mismatch');
    return false;
  }
  state.election = { hash, key: keyLine.body.key, body: first.body, fingerprint: made.fingerprint };
  showMeeting(first.body);
  return true;
}

function parseLine(text) {
  try { return JSON.parse(text); } catch (_) { return null; }
}

// R5: a code already used (on another phone) or never issued is told at
// once, before the ballot is filled in, not after. Asked once per page; a
// failed question does not hold the voter up: the server refuses such a
// ballot anyway when it is sent.
async function credentialUsable() {
  if (!state.credentialPublic || state.credentialChecked) return true;
  let s;
  try {
    s = await tn.api('GET', `/api/elections/${encodeURIComponent(state.id)}/credentials/${state.credentialPublic}`);
  } catch (_) {
    return true;
  }
  state.credentialChecked = true;
  if (s.voted) {
    forgetCredential();
    problem('repeated');
    return false;
  }
  if (!s.issued) {
    forgetCredential();
    problem('forged');
    return false;
  }
  return true;
}

// Whether the credential of this tab has a ballot in the log (false when
// unknown or when the question fails).
async function credentialVoted() {
  if (!state.credentialPublic) return false;
  try {
    const s = await tn.api('GET', `/api/elections/${encodeURIComponent(state.id)}/credentials/${state.credentialPublic}`);
    return Boolean(s && s.voted);
  } catch (_) {
    return false;
  }
}

// The loading screen's steps (a slow network shows where it is): `name`
// is under way, the steps before it are done.
const STEPS = ['module', 'election', 'check'];
const STEP_VALUE = { module: 0, election: 60, check: 80 };

function loadingStep(name) {
  const at = STEPS.indexOf(name);
  for (const li of $('loading-steps').children) {
    const i = STEPS.indexOf(li.dataset.step);
    li.dataset.state = i < at ? 'done' : i === at ? 'now' : 'todo';
    if (i === at) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  }
  const bar = $('loading-bar');
  if (name === 'module') bar.removeAttribute('value'); // under way, size not known yet
  else bar.value = STEP_VALUE[name];
  if (name !== 'module') { const kb = $('loading-kb'); kb.textContent = ''; delete kb.dataset.i18n; }
}

// Bytes of the module received: a counter, and the bar when the size is
// known (an uncompressed answer).
function moduleProgress(received, total) {
  if ($('loading-steps').querySelector('[data-step=module]').dataset.state !== 'now') return;
  const kb = Math.round(received / 1024);
  if (total) {
    tr.say($('loading-kb'), 'step.kbof', { kb, total: Math.round(total / 1024) });
    $('loading-bar').value = Math.min(STEP_VALUE.election, Math.round((STEP_VALUE.election * received) / total));
  } else {
    tr.say($('loading-kb'), 'step.kb', { kb });
  }
}

// A receipt kept on this phone for this election when the tab has neither
// a credential nor the marker of a vote in it (the page reopened from the
// browser's history, whose address has no credential): shown when there is
// exactly one, so that the voter finds the receipt and, later, the result.
function onlyStoredReceipt() {
  const prefix = `tinnhiem.ballot.${state.id}.`;
  const keys = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(prefix)) keys.push(key);
    }
  } catch (_) {
    return null;
  }
  const receipts = keys.filter((key) => {
    state.storeKey = key;
    return Boolean(loadRecord()?.receipt);
  });
  state.storeKey = receipts.length === 1 ? receipts[0] : null;
  return state.storeKey ? loadRecord() : null;
}

async function start() {
  stopTimers();
  show('loading', { focus: false });
  loadingStep('module');
  // The module downloads while the page asks for the meeting.
  const wasm = tn.load({ progress: moduleProgress }).catch(() => null);
  const hash = fragmentText();
  if (hash.startsWith('track=')) {
    const code = hash.slice(6);
    await fetchView({ quiet: true });
    $('lookup-code').value = code;
    show('lookup');
    if (code) lookup(code);
    return;
  }
  if (!state.credential) {
    // A reload after the receipt: only the storage key was kept.
    let key = null;
    try { key = sessionStorage.getItem(`tinnhiem.voted.${state.id}`); } catch (_) { /* none */ }
    if (key) {
      state.storeKey = key;
      state.record = loadRecord();
    } else {
      state.record = onlyStoredReceipt();
      if (state.record) markVoted();
    }
    if (state.record?.receipt) {
      showReceipt(true);
      return;
    }
    state.record = null;
    fetchView({ quiet: true });
    problem('nocred', { manual: true });
    return;
  }
  if (!(await wasm)) {
    problem('wasm', { retry: start });
    return;
  }
  loadingStep('election');
  let pub;
  try {
    ({ public: pub } = tn.callSync('credential_public', { election_id: state.id, credential: state.credential }));
  } catch (_) {
    forgetCredential();
    fetchView({ quiet: true });
    problem('badcred', { manual: true });
    return;
  }
  state.credentialPublic = pub;
  state.storeKey = `tinnhiem.ballot.${state.id}.${tn.sha256(pub).slice(0, 32)}`;
  state.record = loadRecord();
  if (state.record?.receipt) {
    // The same QR code opened again on this phone. A receipt kept by an
    // older page has no result pass: the credential is here, so make it.
    if (!state.record.pass && state.record.election_hash) {
      saveRecord({ ...state.record, pass: resultPass(state.record.election_hash) });
    }
    markVoted();
    showReceipt(true);
    return;
  }
  if (state.record?.ballot) {
    // A ballot encrypted earlier and never acknowledged: send the same one.
    fetchView({ quiet: true });
    await send();
    return;
  }
  await openBallot();
}

function wire() {
  tn.langButton($('lang'), tr);
  tr.onChange(() => {
    if (!$('s-review').hidden) renderReview();
  });
  $('s-ballot').addEventListener('submit', (e) => {
    e.preventDefault();
    renderReview();
    // A refusal of an earlier try at signing is not this review's.
    const err = $('sign-error');
    err.textContent = '';
    delete err.dataset.i18n;
    $('signed-by').removeAttribute('aria-invalid');
    show('review');
  });
  $('review-back').addEventListener('click', () => {
    renderBallot();
    show('ballot');
  });
  $('review-seal').addEventListener('click', sealBallot);
  $('sealed-send').addEventListener('click', sendSealed);
  $('sealed-check').addEventListener('click', checkSealed);
  $('audited-again').addEventListener('click', backToBallot);
  $('signed-by').addEventListener('input', () => {
    const err = $('sign-error');
    err.textContent = '';
    delete err.dataset.i18n;
    $('signed-by').removeAttribute('aria-invalid');
  });
  $('sign').addEventListener('change', () => {
    $('sign-box').hidden = !$('sign').checked;
    if ($('sign').checked) $('signed-by').focus();
  });
  $('resend').addEventListener('click', () => send());
  $('wait-check').addEventListener('click', () => openBallot());
  $('r-check').addEventListener('click', checkReceipt);
  $('r-save').addEventListener('click', saveReceipt);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && document.body.dataset.screen === 'receipt') watchResults();
  });
  $('manual').addEventListener('submit', (e) => {
    e.preventDefault();
    // The code, or the whole address printed on the slip.
    let code = $('manual-code').value.trim();
    if (code.includes('#')) code = code.slice(code.indexOf('#') + 1);
    if (!code) return;
    $('manual-code').value = '';
    useCode(code);
    if (!KIOSK) try { sessionStorage.setItem(`tinnhiem.credential.${state.id}`, code); } catch (_) { /* memory only */ }
    start();
  });
  $('lookup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const code = $('lookup-code').value.trim().toUpperCase();
    if (code) lookup(code);
  });
  // Back online: send a waiting ballot at once.
  window.addEventListener('online', () => {
    if (state.record?.ballot && !state.record.receipt) send();
  });
  // A QR code scanned again into this same tab changes only the fragment.
  window.addEventListener('hashchange', () => location.reload());
}

try {
  state.id = decodeURIComponent(location.pathname.split('/')[2] || '');
} catch (_) {
  state.id = location.pathname.split('/')[2] || '';
}
// The kiosk hands the code over once the page listens (see kiosk.js).
function kioskStart() {
  document.body.classList.add('kiosk');
  const sheet = document.createElement('link');
  sheet.rel = 'stylesheet';
  sheet.href = '/static/kiosk-frame.css';
  document.head.append(sheet);
  // No link leaves the frame or adds a history entry (the kiosk's "back"
  // must lead nowhere); a download of this page's own making is no link out.
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[href]');
    if (!a || a.href.startsWith('blob:')) return;
    e.preventDefault();
    // The skip link still moves the focus, without a history entry.
    const at = a.getAttribute('href');
    if (at.startsWith('#')) document.getElementById(at.slice(1))?.focus();
  }, true);
  // One bar: the kiosk's (its language button drives this page's).
  $('lang').closest('header').hidden = true;
  document.querySelector('[data-i18n="receipt.keep"]').dataset.i18n = 'kiosk.keep';
  $('r-save').hidden = true;
  $('r-print').hidden = false;
  $('r-done').hidden = false;
  $('r-print').addEventListener('click', () => window.print());
  // The opened ballot's screen: the kiosk opens no other page, so no link;
  // the seal code is checked on the room's inspector screen (typed) or on
  // another phone (the QR code), or later from the printed check slip.
  $('a-link').hidden = true;
  document.querySelector('[data-i18n="audited.how"]').dataset.i18n = 'kiosk.audit.how';
  $('a-print').hidden = false;
  $('a-print').addEventListener('click', () => window.print());
  $('r-done').addEventListener('click', () => window.parent.postMessage({ kiosk: 'done' }, location.origin));
  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || e.origin !== location.origin) return;
    if (e.data?.kiosk === 'lang') tr.set(e.data.lang);
    if (e.data?.kiosk !== 'code' || typeof e.data.code !== 'string' || state.credential) return;
    useCode(e.data.code);
    start();
  });
  window.parent.postMessage({ kiosk: 'ready' }, location.origin);
}

if (KIOSK) kioskStart();
else useCode(takeCredential(state.id));
wire();
tr.apply();
if (!KIOSK) start();

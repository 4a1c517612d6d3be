/**
 * The fake licence's catalogue strings, one entry per key its access-key schema names, in the six
 * languages, written the way a real kind's file is (ui/src/i18n/kinds/<kind>.ts with `kindMessages`:
 * a language missing a key is a compile error). A real kind also lists its file in
 * ui/src/i18n/kinds/index.ts; this test-only kind is not shipped, so it is not listed.
 */
import { kindMessages } from "../../../../ui/src/i18n/kinds/define";

export const FAKE_LICENCE_MESSAGES = kindMessages("fake-licence", {
  ja: { "doc.fake-licence.title": "暗証番号を入力してください", "doc.fake-licence.field.pin": "暗証番号", "doc.fake-licence.group.pin": "暗証番号（4桁）", "doc.fake-licence.where.pin": "カードを作ったときに決めた4桁の番号です。" },
  en: { "doc.fake-licence.title": "Enter your PIN", "doc.fake-licence.field.pin": "PIN", "doc.fake-licence.group.pin": "PIN (4 digits)", "doc.fake-licence.where.pin": "The 4 digits you chose when the card was made." },
  zh: { "doc.fake-licence.title": "请输入密码", "doc.fake-licence.field.pin": "密码", "doc.fake-licence.group.pin": "密码（4位）", "doc.fake-licence.where.pin": "办卡时设定的4位数字。" },
  ko: { "doc.fake-licence.title": "비밀번호를 입력하세요", "doc.fake-licence.field.pin": "비밀번호", "doc.fake-licence.group.pin": "비밀번호(4자리)", "doc.fake-licence.where.pin": "카드를 만들 때 정한 4자리 숫자입니다." },
  vi: { "doc.fake-licence.title": "Nhập mã PIN", "doc.fake-licence.field.pin": "Mã PIN", "doc.fake-licence.group.pin": "Mã PIN (4 chữ số)", "doc.fake-licence.where.pin": "4 chữ số bạn chọn khi làm thẻ." },
  pt: { "doc.fake-licence.title": "Digite seu PIN", "doc.fake-licence.field.pin": "PIN", "doc.fake-licence.group.pin": "PIN (4 dígitos)", "doc.fake-licence.where.pin": "Os 4 dígitos escolhidos ao fazer o cartão." },
});

/**
 * The residence card's (在留カード / 特別永住者証明書) strings in the six languages: its manual-entry
 * schema (`doc.residence.*`, the 12-character card number printed at the top right of the front).
 * See src/documents/README.md "Adding a kind".
 */
import { kindMessages } from "./define";

export const residence = kindMessages("residence", {
  ja: {
    "doc.residence.name": "在留カード",
    "doc.residence.title": "在留カードの番号（12文字）を入力してください",
    "doc.residence.group.number": "在留カード番号（英字2・数字8・英字2）",
    "doc.residence.where.number": "カードの表面右上に印字された「番号」です（例: AB12345678CD）。",
    "doc.residence.field.number": "在留カード番号",
    "doc.residence.attended.card-front": "カード表面（ICに記録された画像）",
    "doc.residence.attended.card-type": "カード種別コード",
  },
  en: {
    "doc.residence.name": "Residence card",
    "doc.residence.title": "Enter your residence card number (12 characters)",
    "doc.residence.group.number": "Card number (2 letters, 8 digits, 2 letters)",
    "doc.residence.where.number": "Printed at the top right of the front, after 番号 / NUMBER (for example AB12345678CD).",
    "doc.residence.field.number": "card number",
    "doc.residence.attended.card-front": "Card front (image stored in the chip)",
    "doc.residence.attended.card-type": "Card type code",
  },
  zh: {
    "doc.residence.name": "在留卡",
    "doc.residence.title": "请输入在留卡号码（12个字符）",
    "doc.residence.group.number": "在留卡号码（2个字母、8个数字、2个字母）",
    "doc.residence.where.number": "印在卡片正面右上角“番号”之后（例如 AB12345678CD）。",
    "doc.residence.field.number": "在留卡号码",
    "doc.residence.attended.card-front": "卡片正面（芯片中的图像）",
    "doc.residence.attended.card-type": "卡片类别代码",
  },
  ko: {
    "doc.residence.name": "재류카드",
    "doc.residence.title": "재류카드 번호(12자)를 입력하세요",
    "doc.residence.group.number": "카드 번호(영문 2자, 숫자 8자, 영문 2자)",
    "doc.residence.where.number": "카드 앞면 오른쪽 위 '番号' 뒤에 인쇄되어 있습니다(예: AB12345678CD).",
    "doc.residence.field.number": "카드 번호",
    "doc.residence.attended.card-front": "카드 앞면(IC에 기록된 이미지)",
    "doc.residence.attended.card-type": "카드 종류 코드",
  },
  vi: {
    "doc.residence.name": "Thẻ cư trú",
    "doc.residence.title": "Nhập số thẻ cư trú (12 ký tự)",
    "doc.residence.group.number": "Số thẻ (2 chữ cái, 8 chữ số, 2 chữ cái)",
    "doc.residence.where.number": "In ở góc trên bên phải mặt trước, sau chữ 番号 (ví dụ AB12345678CD).",
    "doc.residence.field.number": "số thẻ",
    "doc.residence.attended.card-front": "Mặt trước thẻ (ảnh lưu trong chip)",
    "doc.residence.attended.card-type": "Mã loại thẻ",
  },
  pt: {
    "doc.residence.name": "Cartão de residente",
    "doc.residence.title": "Digite o número do seu cartão de residente (12 caracteres)",
    "doc.residence.group.number": "Número do cartão (2 letras, 8 dígitos, 2 letras)",
    "doc.residence.where.number": "Impresso no canto superior direito da frente, após 番号 (por exemplo AB12345678CD).",
    "doc.residence.field.number": "número do cartão",
    "doc.residence.attended.card-front": "Frente do cartão (imagem gravada no chip)",
    "doc.residence.attended.card-type": "Código do tipo de cartão",
  },
});

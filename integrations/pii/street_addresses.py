"""Postal addresses without a label, where the text writes one whole: a house number and a street, then the postcode
and the town, as letters are addressed in the US, Canada and Australia, the UK and Ireland, Germany, Austria and
Switzerland, France, Belgium and Luxembourg, the Netherlands, Spain and Mexico, Italy, Portugal and Brazil, Poland,
Hungary, Czechia, Slovakia and Romania, Turkey, Russia, the Nordic countries, and from the province down to the house's
number in China and Taiwan, Japan and Korea.

"Ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500", "42 Acacia Avenue, Reading RG1 1AA", "Hauptstraße 5,
10115 Berlin", "12 rue de la Paix, 75002 Paris", "Keizersgracht 123, 1015 CJ Amsterdam", "Calle Mayor 5, 28013 Madrid",
"Via Roma 10, 00184 Roma", "寄到北京市朝阳区建国路88号". A street alone ("I live on Baker Street") or a town alone is not
found: only with its number and its postcode (or, in Chinese, Japanese and Korean, its city or province) is it surely
an address, and which words are an address's takes a language model to tell without them (see addresses.py for the
addresses a label gives).

A text is searched only around a street's word (found by the one scan of the text for the words of every kind), and
there only in a window: the addresses' regexes over every text would cost each message of the pii benchmark 56-72 us,
more than its whole analysis (38-47 us, measured in turn).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .registry import Finding

__all__ = ["STREET_WORDS", "StreetAddressRecognizer", "last_line_end"]

_WORD = r"[\w'’.\-]*"
"""What follows the first character of a street name's word: letters, digits, apostrophes, dots, dashes ("O'Neill",
"St.", "5th")."""
_NAME = rf"(?:[A-Z0-9]{_WORD}\s){{1,4}}"
"""A UK street's name: one to four words that begin with a capital or a digit ("King Edward", "5th")."""
_UNIT = r"(?:Apt|Apartment|Suite|Ste|Unit|Level|Fl|Floor|Flat|#)\.?\s?#?[0-9A-Za-z\-]+"
"""A flat's, a suite's or a floor's number: "Apt 4B", "Suite 200", "Unit 5", "Level 8"."""
_PO_BOX = r"(?:P\.?\s?O\.?|Post\sOffice)\s(?i:box)\s[0-9]{1,6}"
_US = (rf"(?:{_PO_BOX}|(?:{_UNIT},?\s)?(?:[0-9]{{1,4}}[A-Z]?/)?[0-9]{{1,6}}[A-Z]?\s(?:[NSEW]\.?\s)?"
       rf"(?:[A-Z0-9]{_WORD}\s){{0,4}}[A-Z]{_WORD}(?:,?\s{_UNIT})?)(?:,\s(?:[A-Z][\w.]*\s?){{1,3}}){{1,2}},?\s"
       r"(?:[A-Z]{2}\s[0-9]{5}(?:-[0-9]{4})?"
       r"|(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\s[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]"
       r"|(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT),?\s[0-9]{4})(?![0-9A-Za-z])")
"""A US, Canadian or Australian address: maybe a unit, a house number, the street's words, maybe a unit (or a post
office box), the town (maybe after a floor), the state or province and its code: "1600 Pennsylvania Ave NW, Washington,
DC 20500", "12 Main St., Apt 4B, Springfield, IL 62704", "PO Box 123, Austin, TX 78701", "123 Queen Street West,
Toronto, ON M5H 2M9", "5/12 Smith Street, Parramatta NSW 2150".
Searched for around a street's word, it may then end with any ("807 Deborah Estate Apt. 573, …" around "apt.")."""
_UK = (r"(?:(?:Flat|Apartment)\s[0-9]+[A-Z]?,\s)?[0-9]{1,4}[A-Z]?,?\s" + _NAME +
       r"(?:Street|St|Road|Rd|Lane|Avenue|Close|Drive|Way|Gardens|Crescent|Grove|Place|Terrace|Court|Hill|Square|Mews"
       r"|Row|Walk|Park|Green|Rise|View)\b\.?(?:,\s(?:(?:Co\.\s)?[A-Z][a-z'’\-]+(?:\s[0-9]{1,2}W?)?\s?){1,3})*,?\s"
       r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2}|(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4})"
       r"(?![A-Za-z0-9])")
"""A UK or an Irish address with its postcode or Eircode: "42 Acacia Avenue, Reading RG1 1AA", "Flat 3, 12 High Street,
Leeds LS1 4AP", "4 Main Road, Dublin 4, D04 X2Y3"."""
_GERMAN_STREET = (r"(?:[A-ZÄÖÜ][a-zäöüß]+-)*[A-ZÄÖÜ]?[a-zäöüß]+(?:straße|strasse|str\.|weg|allee|platz|gasse|ring"
                  r"|damm|ufer|chaussee|steig|pfad)"
                  r"|(?:[A-ZÄÖÜ][a-zäöüß]+[\s\-]){1,3}(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Markt|Ring|Damm|Ufer)")
_CANTON = r"(?:\s\([A-Z]{2}\))?"
"""A Swiss canton after the town, "(VS)"; or an Italian province, "(FI)"."""
_GERMAN_TOWN = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
_DE = (r"(?:" + _GERMAN_STREET + r")\s[0-9]{1,4}\s?[a-z]?(?:[\-/][0-9]{1,4})?,\s(?:D-|A-|CH-)?[0-9]{4,5}\s"
       + _GERMAN_TOWN + r"(?:\s(?:am|an|an\sder|in|im|ob|bei|unter)\s" + _GERMAN_TOWN + r"|\s" + _GERMAN_TOWN + r")*"
       + _CANTON)
"""A German, Austrian or Swiss address: "Hauptstraße 5, 10115 Berlin", "Lange Gasse 12, 1080 Wien", "Parzerstr. 9, 5526
Sankt Veit an der Glan"."""
_FRENCH_TOWN = r"[A-ZÉ][\w\-]+(?:\s(?:(?:am|an\sder|sur|en|lès|les)\s)?[A-ZÉ][\w\-]+){0,2}"
"""A town's name in French, or in German beside it: "Paris", "Sainte Valentine-les-Bains", "Romanens an der Aare"."""
_FRENCH_NAME = r"(?:(?:de|du|des|la|le|l'|l’|d'|d’)\s?|[A-ZÉÈ][\w'’\-]*\s?){1,6}"
"""A street's name in French after its kind: "de la Paix", "Victor Hugo"."""
_FR = (r"[0-9]{1,4}(?:\s?(?:bis|ter))?,?\s(?i:rue|avenue|av\.|boulevard|bd|place|allée|impasse|chemin|quai|cours|route"
       r"|square)\s" + _FRENCH_NAME + r",?\s(?:(?:[0-9]{5}|L-[0-9]{4})\s" + _FRENCH_TOWN
       + r"(?:\s(?:Cedex|CEDEX)(?:\s[0-9]{1,2})?)?"
       r"|(?:[A-ZÉ][\w\-]+\s?){1,3}(?:\(Québec\)|,?\s?QC)\s[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9](?![0-9A-Za-z]))"
       r"|(?i:rue|avenue|av\.|boulevard|bd|place|chaussée|chemin|quai|square|route|allée|impasse)\s" + _FRENCH_NAME +
       r",?\s[0-9]{1,4}[a-zA-Z]?(?:\s?(?:bis|ter))?(?:\s?(?:bte|boîte|/)\s?[0-9A-Za-z]+)?,\s(?:B-|CH-)?[0-9]{4}\s"
       + _FRENCH_TOWN + _CANTON)
"""A French address, as France, Luxembourg and Québec write it, "12 rue de la Paix, 75002 Paris", "5 Boulevard
Haussmann, 75009 Paris", "5 bis, avenue Victor Hugo 69003 Lyon", "2, rue du Fossé, L-1536 Luxembourg", "1000, rue De La
Gauchetière Ouest, Montréal (Québec) H3B 4W5", or as Belgium and Switzerland do, the street first: "Rue de la Loi 16,
1000 Bruxelles", "Rue du Rhône 48, 1204 Genève"."""
_NL = (r"[A-Z][a-z]+(?:straat|laan|weg|gracht|plein|kade|singel|dijk|markt|dreef|steeg|ring|pad)\s[0-9]{1,4}"
       r"(?:\s?[a-zA-Z]|-[0-9]+)?,\s(?:[0-9]{4}\s?[A-Z]{2}|(?:B-)?[0-9]{4}),?\s(?:'s-)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?")
"""A Dutch or a Flemish address: "Keizersgracht 123, 1015 CJ Amsterdam", "Wetstraat 16, 1000 Brussel"."""
_SPANISH_NAME = r"(?:(?:de|del|la|las|los|el)\s|[A-ZÁÉÍÓÚÑ][\w.]*\s?){1,5}"
_ES = (r"(?:Calle|C/|Avenida|Avda\.|Av\.|Plaza|Paseo|Carrer|Camino|Ronda|Traves[íi]a|Carretera|Rambla|Glorieta"
       r"|Pasaje)\s"
       + _SPANISH_NAME + r",?\s(?:n[º°]\s?|#\s?)?[0-9]{1,4}(?:,\s?[0-9]+[ºª]?\s?[A-Za-zºª]*)*"
       r"(?:,\s(?:Col\.\s|Colonia\s)?" + _SPANISH_NAME + r")?,\s(?:C\.?P\.?\s)?[0-9]{5}\s"
       r"[A-ZÁÉÍÓÚ][\w\-]+(?:\s(?:de\s)?[A-ZÁÉÍÓÚ][\w\-]+)?(?:,\s(?:CDMX|(?:[A-Z][a-z]{0,3}\.){1,2}))?")
"""A Spanish or a Mexican address: "Calle Mayor 5, 28013 Madrid", "Avenida de la Constitución, 12, 2º B, 41004 Sevilla",
"Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México, CDMX"."""
_IT = (r"(?:Via|Viale|Piazza|Corso|Largo|Vicolo|Piazzale|Strada|Borgo|Contrada|Lungomare)\s"
       r"(?:(?:di|del|della|dei|degli|delle|XX)\s|[A-Z][\w'’.]*\s?){1,5},?\s[0-9]{1,4}[A-Za-z]?(?:/[A-Za-z0-9])?"
       r"(?:,?\s(?i:piano|appartamento|scala|interno|int\.)\s?[0-9A-Za-z]+)*,\s(?:CH-)?[0-9]{4,5},?\s"
       r"[A-Z]\w+(?:\s[A-Z][\w']+)*" + _CANTON)
"""An Italian address, or a Swiss one in Italian: "Via Roma 10, 00184 Roma", "Piazza della Signoria, 5, 50122 Firenze
(FI)", "Via Nassa 5, 6900 Lugano"."""
_PORTUGUESE_WORD = r"[A-ZÁÉÍÓÚÂÊÔÃÕÇ][\w.]*"
_PORTUGUESE_TOWN = rf"{_PORTUGUESE_WORD}(?:\s(?:d[aeo]s?\s)?{_PORTUGUESE_WORD}){{0,2}}"
"""A town's name in Portuguese: "Lisboa", "São Paulo", "Rio de Janeiro"."""
_PT = (r"(?:Rua|Avenida|Av\.?|Travessa|Praça|Largo|Alameda|Estrada|Rodovia|Calçada|Vila)\s(?:(?:da|do|das|dos|de|e)\s|"
       rf"{_PORTUGUESE_WORD}\s?|[0-9]{{1,2}}\sde\s){{1,6}},?\s(?:(?:n[º°.]{{1,2}}\s?)?[0-9]{{1,5}}[A-Za-z]?|[Ss]/[Nn])"
       rf"(?:,\s[^,\n]{{1,24}}?){{0,2}}(?:\s[-–]\s{_PORTUGUESE_TOWN})?,\s(?:[0-9]{{4}}-[0-9]{{3}}\s{_PORTUGUESE_TOWN}"
       rf"|(?:CEP:?\s)?[0-9]{{5}}-?[0-9]{{3}},?\s{_PORTUGUESE_TOWN}(?:\s?[-–/,]\s?[A-Z]{{2}}(?!\w))?"
       rf"|{_PORTUGUESE_TOWN}\s?[-–/,]\s?[A-Z]{{2}},?\s(?:CEP:?\s)?[0-9]{{5}}-?[0-9]{{3}}(?![0-9]))")
"""A Portuguese or a Brazilian address: "Rua Augusta 100, 1100-053 Lisboa", "Rua das Flores, 25, 2.º Esq., 4050-262
Porto", "Avenida Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200"."""
_POLISH_WORD = r"[A-ZĄĆĘŁŃÓŚŹŻ0-9][\w.\-]*"
_PL = (rf"(?:ul\.|ulica|al\.|aleja|pl\.|plac|os\.|osiedle)\s(?:{_POLISH_WORD}\s){{1,4}}[0-9]{{1,4}}[A-Za-z]?"
       rf"(?:\s?/\s?[0-9]{{1,4}}[A-Za-z]?)?(?:\s?m\.\s?[0-9]+)?,\s[0-9]{{2}}-[0-9]{{3}}\s[A-ZĄĆĘŁŃÓŚŹŻ][\w\-]+"
       r"(?:\s[A-ZĄĆĘŁŃÓŚŹŻ][\w\-]+)?")
"""A Polish address: "ul. Marszałkowska 10, 00-590 Warszawa", "al. Jerozolimskie 65/79, 00-697 Warszawa"."""
_NORDIC_WORD = r"[A-ZÅÄÖÆØ][a-zåäöæøé]+"
_NORDIC = (rf"(?:{_NORDIC_WORD}(?:gatan|vägen|stigen|gränd|torget|gata|gate|gade|stræde|vej|veien|vegen|katu|tie|kuja"
           rf"|polku|bulevardi)|(?:{_NORDIC_WORD}\s){{1,2}}(?:gate|gata|vei|gade|vej|plads|torg|katu|tie|kuja|Allé|Vej|Gade"
           r"|Plads))\s[0-9]{1,4}\s?[A-Za-z]?"
           r"(?:,\s[0-9]{1,2}\.?\s?(?:tv|th|mf|sal)?\.?)?,\s(?:(?:SE|S|DK|N|NO|FI)-)?(?:[0-9]{3}\s[0-9]{2}|[0-9]{4,5})\s"
           rf"{_NORDIC_WORD}(?:\s[A-ZÅÄÖÆØ](?![\wåäöæø])|\s{_NORDIC_WORD})?")
"""A Swedish, Danish, Norwegian or Finnish address: "Storgatan 1, 111 23 Stockholm", "Vesterbrogade 1, 1620 København
V", "Karl Johans gate 1, 0154 Oslo", "Mannerheimintie 1, 00100 Helsinki"."""
_TURKISH_WORD = r"[A-ZÇĞİÖŞÜ0-9][\wçğıöşü.'’]*"
_TR = (rf"(?:(?:{_TURKISH_WORD}\s){{1,3}}(?:Mahallesi|Mah\.|Mh\.),?\s)?(?:{_TURKISH_WORD}\s){{1,3}}"
       r"(?:Caddesi|Cad\.|Cd\.|Sokak|Sokağı|Sok\.|Sk\.|Bulvarı|Blv\.|Bulv\.),?\s(?:No|NO|Numara)\s?:\s?[0-9]{1,4}[A-Z]?"
       r"(?:/[0-9A-Z]{1,3})?(?:,?\s(?:Daire|D|Kat|K)\.?\s?:\s?[0-9]{1,3})*,?\s(?:[0-9]{5}\s)?"
       rf"{_TURKISH_WORD}\s?/\s?{_TURKISH_WORD}")
"""A Turkish address, to its district and city: "Atatürk Bulvarı No: 12, 06420 Çankaya/Ankara", "Moda Mah. Şair Nefi
Sok. No:5 D:3 34710 Kadıköy/İstanbul"."""
_RUSSIAN_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*"
_RU_KIND = (r"(?:ул\.|улица|пр\.|пр-т|проспект|пер\.|переулок|наб\.|набережная|ш\.|шоссе|б-р|бул\.|бульвар|пл\.|площадь"
            r"|алл\.|аллея)")
_RU_STREET = (rf"(?:{_RU_KIND}\s?(?:{_RUSSIAN_WORD}\s?){{1,3}}|(?:{_RUSSIAN_WORD}\s){{1,2}}{_RU_KIND}),?\s"
              r"(?:д\.|дом)\s?[0-9]{1,4}[а-я]?(?:/[0-9]{1,4})?"
              r"(?:,?\s(?:корп\.|к\.|стр\.)\s?[0-9]{1,3})?")
_RU_FLAT = r",?\s(?:кв\.|квартира|оф\.|офис)\s?[0-9]{1,4}"
_RU_TOWN = rf"(?:(?:г|пос|п|с|д|ст)\.\s?|(?:город|пгт|село|деревня)\s)?{_RUSSIAN_WORD}(?:\s{_RUSSIAN_WORD})?"
"""A town, a village or a settlement: "г. Москва", "с. Сосновка", "пос. Сосновый Бор"."""
_RU = (rf"(?:[0-9]{{6}},\s)?{_RU_TOWN},\s{_RU_STREET}(?:{_RU_FLAT})?(?:,\s[0-9]{{6}})?"
       rf"|{_RU_STREET}(?:{_RU_FLAT}(?:,\s{_RU_TOWN})?(?:,\s[0-9]{{6}})?|,\s{_RU_TOWN}(?:,\s[0-9]{{6}})?"
       rf"|,\s[0-9]{{6}})")
"""A Russian address with its town, its postcode or its flat: "125009, г. Москва, ул. Тверская, д. 7, кв. 5",
"ул. Тверская, д. 7, Москва, 125009", "Невский пр., д. 28, Санкт-Петербург, 191186"."""
_CENTRAL_WORD = r"[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽÖŐÜŰĂÂÎȘȚ][\wáčďéěíňóřšťúůýžöőüűăâîșțş.\-]*"
_ROMANIAN_TOWN = rf"{_CENTRAL_WORD}(?:\s(?:de\s|din\s)?{_CENTRAL_WORD}){{0,2}}(?:\s[0-9])?"
"""A Romanian town, or a sector of Bucharest: "Sancraiu de Mures", "București 3"."""
_CENTRAL = (rf"(?:{_CENTRAL_WORD}\s){{1,3}}(?:utca|u\.|út|útja|tér|körút|krt\.|náměstí|nám\.|třída|nábřeží|námestie"
            rf"|trieda)\s[0-9]{{1,4}}[a-zA-Z]?(?:/[0-9]{{1,4}}[a-zA-Z]?)?\.?,\s"
            rf"(?:[0-9]{{3}}\s[0-9]{{2}}|(?:H-)?[0-9]{{4}})\s{_CENTRAL_WORD}(?:\s[0-9]{{1,2}}(?![0-9]))?"
            rf"|(?:Strada|Str\.|Bulevardul|Bd\.|Calea|Aleea|Drumul|Șoseaua|Soseaua|Piața)\s"
            rf"(?:{_CENTRAL_WORD}\s?){{1,3}},?\s"
            rf"(?:(?i:nr)\.\s?)?[0-9]{{1,4}}[A-Z]?(?:,?\s+(?i:bl|sc|et|ap)\.\s?[0-9A-Z]{{1,4}})*,\s"
            rf"(?:[0-9]{{6}}\s{_ROMANIAN_TOWN}|{_ROMANIAN_TOWN},?\s[0-9]{{6}})")
"""A Hungarian, a Czech, a Slovak or a Romanian address: "Váci utca 10, 1052 Budapest", "Kossuth utca 64., H-1215
Tótfalva", "Václavské náměstí 1, 110 00 Praha 1", "Strada Lipscani 5, 030031 București", "Str. Lipscani nr. 5, București
030031"."""
_HAN = r"[\u4e00-\u9fff]"
_ZH = (r"(?:[0-9]{3}(?:[0-9]{2,3})?\s?)?(?:(?:北京|天津|上海|重庆|重慶|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西"
       r"|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|臺灣|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)"
       r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)?"
       rf"|{_HAN}{{2}}[市县縣区區])[\u4e00-\u9fff0-9０-９]{{0,20}}?(?:路|街|大道|巷|胡同|弄)(?:[一二三四五六七八九十]+段)?"
       r"(?:[0-9０-９]+[巷弄])*[0-9０-９]+(?:[-之][0-9０-９]+)?[号號](?:之[0-9０-９]+)?"
       r"(?:[0-9０-９A-Za-z一二三四五六七八九十\-]+(?:号楼|號樓|栋|棟|幢|座|单元|單元|楼|樓|层|層|室|号|號))*")
"""A Chinese address, from its postcode, its province, its city or its district (a name of two characters: "北京市",
"朝阳区") to its house's number and maybe its room: "北京市朝阳区建国路88号", "上海市浦东新区世纪大道100号3楼", "台北市信義區信義路五段7號".
Where no province begins it, a city of three characters loses its first ("家庄市…" for "石家庄市…"): a Chinese text
has no spaces to tell where the words before it end."""
_JA_NAME = r"[\u4e00-\u9fff\u30a0-\u30ff々ヶ]"
"""A place's name in Japanese where it begins an address: kanji and katakana, as the hiragana of a sentence's particles
("に", "は") end what comes before it."""
_JA_INNER = r"[\u4e00-\u9fff\u3040-\u30ff々ヶ０-９Ａ-Ｚａ-ｚ]"
"""A place's name within an address: hiragana too ("いすみ市", "丸の内")."""
_JA = (r"(?:〒\s?[0-9０-９]{3}[-－]?[0-9０-９]{4}\s?)?(?:(?:東京都|北海道|京都府|大阪府|" + _HAN + r"{2,3}県)"
       rf"{_JA_INNER}{{1,6}}?|{_JA_NAME}{{1,6}}?)[市区町村郡]{_JA_INNER}{{0,24}}?"
       r"(?:[0-9０-９一二三四五六七八九十]+丁目[0-9０-９]+番地?(?:[0-9０-９]+号)?|[0-9０-９]+[-－−‐][0-9０-９]+(?:[-－−‐][0-9０-９]+)?)"
       rf"(?:\s?{_JA_INNER}{{1,20}}?\s?[0-9０-９]{{1,4}}(?:号室|階)?)?")
"""A Japanese address, from its postcode or its prefecture or its city to its block's numbers, and maybe its building
and room: "〒100-8111 東京都千代田区千代田1-1", "大阪市北区梅田3丁目1番1号", "…12丁目23番7号 芝公園クレスト562"."""
_KO = (r"(?:(?:서울|부산|대구|인천|광주|대전|울산|세종)(?:특별시|광역시|특별자치시|시)?|(?:경기|강원|충청북|충청남|전라북|전라남|경상북|경상남"
       r"|충북|충남|전북|전남|경북|경남|제주)(?:특별자치도|도)?|[가-힣]{2,4}[시군])(?:\s[가-힣0-9]{1,6}[시군구])*"
       r"\s[가-힣0-9]{1,12}(?:로|길)\s?[0-9]{1,5}(?:-[0-9]{1,5})?(?:\s?\([가-힣0-9 ,·]{1,20}\))?")
"""A Korean address, from its province or its city to its road's number: "서울특별시 중구 세종대로 110", "경기도 성남시 분당구
판교역로 235"."""
_MILITARY = r"(?:PSC|CMR|Unit)\s[0-9]{1,5},?\s(?i:box)\s[0-9]{1,5},\s[ADF]PO\s(?:AA|AE|AP)\s[0-9]{5}(?![0-9])"
"""A US military address, its unit and box, then APO, FPO or DPO and the region for a town and a state: "PSC 1437, Box
3833, APO AE 09021", "Unit 4719 Box 7394\nDPO AP 96530"."""
_ENGLISH = f"(?:{_US})|(?:{_UK})|(?:{_MILITARY})"


class _Family:
    """A country's addresses, the words of its streets they are searched around, and maybe where a digit must stand
    (from a word's start, as a range) for them to be tried at all."""

    __slots__ = ("_regex", "digit", "source", "words")

    def __init__(self, source: str, words: tuple[str, ...], digit: tuple[int, int] | None = None) -> None:
        self.source, self.words, self.digit = source, words, digit
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        """The addresses' regex, compiled when first asked for: the twelve compiled at import cost it 12 ms (of 140),
        and most of them are never asked for in a home's messages. Where a comma parts an address's parts, a line
        break may ("Hauptstraße 5\n10115 Berlin": a letter's head, a signature, a shipping label)."""
        if self._regex is None:
            self._regex = re.compile(_NEXT_PART.sub(lambda _: _NEXT_LINE, self.source))
        return self._regex


_NEXT_PART = re.compile(r",\\s(?![?*+{])")
"""A comma and a space between an address's parts, in a family's regex (not one that may be left out)."""
_NEXT_LINE = r"(?:,\s|,?[ \t]*\n[ \t]*)"
"""The same, or the next line."""


_FAMILIES = (
    _Family(_ENGLISH, ("street", "st,", "st.,", "avenue", "ave,", "ave.", "ave nw", "ave ne", "ave sw", "ave se", "road",
                       "rd,", "rd.,", "boulevard", "blvd", "ane,", "ane ", "drive", "dr,", "dr.,", "court", "way,", "place",
                       "terrace", "parkway", "pkwy", "circle", "ghway", "square", "trail,", "trail ", "plaza", "suite",
                       "apt.", "apt ", "apt,", "box ", "crossing", "ridge,", "valley", "creek", "pike", "xpressway",
                       "reeway", "close,", "gardens", "crescent", "grove", "mews", "row,", "walk,", "park,", "green,",
                       "rise,", "view,")),
    _Family(_DE, ("straße", "strasse", "str.", "weg ", "allee", "platz", "gasse", "damm ", "ufer ", "chaussee",
                              "steig ", "pfad ", "markt ", *(f"ring {digit}" for digit in "0123456789"))),
    _Family(_FR, ("rue ", "avenue", "av.", "boulevard", "bd ", "place", "allée", "mpasse", "chemin", "uai ",
                              "chaussée", "cours ", "route ", "square")),
    _Family(_NL, ("straat", "aan ", "gracht", "plein ", "kade ", "singel ", "dijk ", "markt ", "dreef ",
                              "steeg ", "pad ", *(f"ring {digit}" for digit in "0123456789"))),
    _Family(_ES, ("calle", "c/ ", "avenida", "avda", "av. ", "paseo", "carrer", "camino", "ronda", "travesía",
                              "travesia", "carretera", "rambla", "glorieta", "pasaje", "plaza")),
    _Family(_IT, ("via ", "viale", "piazza", "corso", "argo", "vicolo", "strada", "borgo", "contrada",
                              "ungomare")),
    _Family(_PT, ("rua ", "avenida", "av. ", "av ", "travessa", "praça", "argo", "alameda", "strada", "rodovia",
                              "calçada", "vila ")),
    _Family(_PL, ("ul. ", "ulica", "al. ", "aleja", "pl. ", "plac ", "os. ", "osiedle")),
    _Family(_NORDIC, ("gatan", "vägen", "stigen", "gränd", "torget", "gata ", "gate ", "gade ", "stræde",
                                  "vej ", "veien", "vegen", "katu ", "tie ", "kuja", "polku", "bulevardi", "plads", "torg ",
                                  "allé ")),
    _Family(_TR, ("caddesi", "cad.", "cd.", "sokak", "sokağı", "sok.", "sk.", "bulvar", "blv.", "bulv.")),
    _Family(_RU, ("ул.", "улица", "пр.", "пр-т", "проспект", "пер.", "переулок", "наб.", "набережная", "шоссе", "ш.",
                  "б-р", "бул.", "бульвар", "пл.", "площадь", "алл.", "аллея")),
    _Family(_CENTRAL, ("utca", "u. ", "út ", "útja", "tér ", "körút", "krt.", "náměstí", "nám.", "třída", "nábřeží",
                       "námestie", "trieda", "strada", "str.", "bulevardul", "bd.", "calea", "aleea", "șoseaua",
                       "soseaua", "piața", "drumul")),
    _Family(_ZH, ("路", "街", "大道", "巷", "弄", "胡同"), digit=(1, 7)),
    _Family(_JA, ("市", "区", "町", "村", "郡", "丁目", "番地"), digit=(-4, 24)),
    _Family(_KO, ("로 ", "길 "), digit=(2, 3)),
)
"""Each country's addresses, searched around the words of its streets (a word two languages share, "avenue", "place",
tries both). In Chinese, Japanese and Korean those words are common ones too (路 of "一路", 市 of "超市", 로 of "서울로 가요"):
an address is tried only with a digit where its number stands, "建国路88号", "区千代田1-1", "세종대로 110". Its number's
mark, 号, was a word of the scan for a while: it is in most Chinese messages ("订单号", "编号"), and asking each of them
for its addresses cost each message of the pii benchmark 20,600 instructions (cachegrind)."""
_FAMILIES_OF: dict[str, tuple[_Family, ...]] = {}
for _family in _FAMILIES:
    for _word in _family.words:
        _FAMILIES_OF[_word] = (*_FAMILIES_OF.get(_word, ()), _family)
_DIGIT = re.compile(r"[0-9０-９]")
STREET_WORDS = Words(*_FAMILIES_OF)
"""A street's word (or its abbreviation before the comma after it): the addresses are searched for only around one.
Words other words hold are cues with what follows them: "ave," and "ave nw", not "ave" (every "have"); "st.," not
"st." (every "roost." of a log's module names); "ring 1", not "ring" (every "string"); "c/ " (not every "src/"). None
begins with e, h, i or l, which no other kind's word begins with: the scan would stop at a third of a text's letters
(1.2 us a message of the pii benchmark more, where the whole scan cost 3.3): "ane " for "Lane", "ghway" for "Highway",
"mpasse", "aan " for "laan", "argo" for "Largo", "uai " for "quai". Nor does one begin with a comma: a US address's
state and ZIP code (", IL 6", found where any street's word comes before them) cost each message 1,900 instructions of
the pii benchmark (cachegrind) as words of the scan. A w and a q cost 2,400 together: the w is kept ("Way", "Walk",
"-weg"), the q is not ("uai ")."""
_BEFORE, _AFTER = 60, 90
"""How far an address may begin before its street's word, and end after it."""


class StreetAddressRecognizer:
    """An address without a label, with its house number and postcode (0.8): "42 Acacia Avenue, Reading RG1 1AA"."""

    entity = "ADDRESS"
    confidence = 0.8

    def applies(self, text: str) -> bool:
        """Only a text with a street's word can give an address."""
        return STREET_WORDS.anywhere(text)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the addresses around each street's word, once each, matched whole from where they begin (not within
        a word, but maybe right after one in Chinese or Japanese, written without spaces)."""
        seen: set[int] = set()
        for at, word in STREET_WORDS.occurrences(text):
            for family in _FAMILIES_OF[word]:
                digit = family.digit
                if digit and not _DIGIT.search(text, max(0, at + digit[0]), at + digit[1]):
                    continue
                regex = family.regex
                for near in regex.finditer(text, max(0, at - _BEFORE), at + len(word) + _AFTER):
                    start = near.start()
                    if start in seen or (start and text[start - 1] < "\u3000" and text[start - 1].isalnum()):
                        continue
                    seen.add(start)
                    if whole := regex.match(text, start):
                        end = last_line_end(text, start, whole.end())
                        yield Finding(self.entity, start, end, text[start:end], self.confidence)


def last_line_end(text: str, start: int, end: int) -> int:
    """Where an address over several lines ends: its last line holds a digit (a postcode, a house's number), and a
    line after it without one is the text's next ("Hauptstraße 5\n10115 Berlin\nTel")."""
    while (cut := text.rfind("\n", start, end)) != -1 and not any(char.isdigit() for char in text[cut:end]):
        end = cut
    return end

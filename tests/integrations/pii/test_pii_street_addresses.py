"""Addresses without a label: a house number, a street and a postcode, as many countries write them on a line."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def addresses(text: str) -> list[tuple[str, float]]:
    """The ADDRESS findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "ADDRESS"]


@pytest.mark.parametrize(("text", "address"), [
    ("Ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500 please", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("12 Main St., Apt 4B, Springfield, IL 62704", "12 Main St., Apt 4B, Springfield, IL 62704"),
    ("the office is at 350 Fifth Avenue, New York, NY 10118-0110.", "350 Fifth Avenue, New York, NY 10118-0110"),
    ("12 Oak Ridge, Austin, TX 78701", "12 Oak Ridge, Austin, TX 78701"),
    # Around a unit's word the street's may be any; a floor may come before the town.
    ("807 Deborah Estate Apt. 573, Stephensshire, IA 52219", "807 Deborah Estate Apt. 573, Stephensshire, IA 52219"),
    ("Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301, USA", "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301"),
    ("send it to 42 Acacia Avenue, Reading RG1 1AA by Friday", "42 Acacia Avenue, Reading RG1 1AA"),
    ("Flat 3, 12 High Street, Leeds LS1 4AP", "Flat 3, 12 High Street, Leeds LS1 4AP"),
    ("34 Marsh Walk, Emilyhaven, OX58 9JP", "34 Marsh Walk, Emilyhaven, OX58 9JP"),
    ("Bitte an Hauptstraße 5, 10115 Berlin schicken", "Hauptstraße 5, 10115 Berlin"),
    ("Wir wohnen in der Lange Gasse 12, 1080 Wien.", "Lange Gasse 12, 1080 Wien"),
    ("Bahnhofstrasse 10, CH-8001 Zürich", "Bahnhofstrasse 10, CH-8001 Zürich"),
    ("Karl-Marx-Allee 33, 10178 Berlin", "Karl-Marx-Allee 33, 10178 Berlin"),
    ("Oda-Preiß-Straße 1, 90404 Sangerhausen", "Oda-Preiß-Straße 1, 90404 Sangerhausen"),
    ("Am Alten Markt 3, 14467 Potsdam", "Am Alten Markt 3, 14467 Potsdam"),
    ("j'habite 12 rue de la Paix, 75002 Paris depuis mai", "12 rue de la Paix, 75002 Paris"),
    ("825, boulevard de François, 77113 Poirier-sur-Mer", "825, boulevard de François, 77113 Poirier-sur-Mer"),
    ("5 bis, avenue Victor Hugo 69003 Lyon", "5 bis, avenue Victor Hugo 69003 Lyon"),
    ("Keizersgracht 123, 1015 CJ Amsterdam", "Keizersgracht 123, 1015 CJ Amsterdam"),
    ("Stationsplein 1, 5211 AP 's-Hertogenbosch", "Stationsplein 1, 5211 AP 's-Hertogenbosch"),
    ("Floortjedreef 28, 1012 TX, Baard", "Floortjedreef 28, 1012 TX, Baard"),
    ("Calle Mayor 5, 28013 Madrid", "Calle Mayor 5, 28013 Madrid"),
    ("Rambla de Catalunya 12, 08007 Barcelona", "Rambla de Catalunya 12, 08007 Barcelona"),
    ("Avenida de la Constitución, 12, 2º B, 41004 Sevilla", "Avenida de la Constitución, 12, 2º B, 41004 Sevilla"),
    ("Via Roma 10, 00184 Roma", "Via Roma 10, 00184 Roma"),
    ("Borgo Pinti, 32, 50121 Firenze", "Borgo Pinti, 32, 50121 Firenze"),
    ("Piazza della Signoria, 5, 50122 Firenze (FI)", "Piazza della Signoria, 5, 50122 Firenze (FI)"),
    ("Vicolo Sgalambro, 59, 30010, Campagna Lupia (VE)", "Vicolo Sgalambro, 59, 30010, Campagna Lupia (VE)"),
    ("Via Roma 10, scala B, interno 5, 00184 Roma", "Via Roma 10, scala B, interno 5, 00184 Roma"),
    # Towns of several words; a Swiss canton.
    ("Parzerstr. 9, 5526 Sankt Veit an der Glan", "Parzerstr. 9, 5526 Sankt Veit an der Glan"),
    ("67, chemin Stéphane Lelièvre, 51250 Sainte Valentine-les-Bains", "67, chemin Stéphane Lelièvre, 51250 Sainte Valentine-les-Bains"),
    ("avenue Arthur Duvanel 57, 3701 Vonlanthen (OW)", "avenue Arthur Duvanel 57, 3701 Vonlanthen (OW)"),
])
def test_an_address_with_its_number_and_postcode_is_found_without_a_label(text: str, address: str) -> None:
    assert addresses(text) == [(address, 0.8)]


@pytest.mark.parametrize(("text", "address"), [
    # Canada and Australia, and a unit before the house's number
    ("123 Queen Street West, Toronto, ON M5H 2M9", "123 Queen Street West, Toronto, ON M5H 2M9"),
    ("200 Bay St, Suite 3000, Toronto, ON M5J 2J2", "200 Bay St, Suite 3000, Toronto, ON M5J 2J2"),
    ("send it to Unit 5, 12 Smith Street, Parramatta NSW 2150 thanks", "Unit 5, 12 Smith Street, Parramatta NSW 2150"),
    ("5/12 Smith Street, Parramatta NSW 2150", "5/12 Smith Street, Parramatta NSW 2150"),
    ("Apartment 4B, 350 Fifth Avenue, New York, NY 10118", "Apartment 4B, 350 Fifth Avenue, New York, NY 10118"),
    # French with the street first (Belgium, Switzerland), Luxembourg, Québec; Flemish; Swiss Italian
    ("Rue de la Loi 16, 1000 Bruxelles", "Rue de la Loi 16, 1000 Bruxelles"),
    ("Avenue Louise 54 bte 3, 1050 Ixelles", "Avenue Louise 54 bte 3, 1050 Ixelles"),
    ("Chaussée de Charleroi 112, B-1060 Saint-Gilles", "Chaussée de Charleroi 112, B-1060 Saint-Gilles"),
    ("Rue du Rhône 48, 1204 Genève", "Rue du Rhône 48, 1204 Genève"),
    ("2, rue du Fossé, L-1536 Luxembourg", "2, rue du Fossé, L-1536 Luxembourg"),
    ("1000, rue De La Gauchetière Ouest, Montréal (Québec) H3B 4W5", "1000, rue De La Gauchetière Ouest, Montréal (Québec) H3B 4W5"),
    ("1234 rue Sainte-Catherine O, Montréal, QC H3G 1P1", "1234 rue Sainte-Catherine O, Montréal, QC H3G 1P1"),
    ("Wetstraat 16, 1000 Brussel", "Wetstraat 16, 1000 Brussel"),
    ("Via Nassa 5, 6900 Lugano", "Via Nassa 5, 6900 Lugano"),
    # Portugal and Brazil
    ("Rua Augusta 100, 1100-053 Lisboa", "Rua Augusta 100, 1100-053 Lisboa"),
    ("Rua das Flores, 25, 2.º Esq., 4050-262 Porto", "Rua das Flores, 25, 2.º Esq., 4050-262 Porto"),
    ("Avenida Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200", "Avenida Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200"),
    ("Rua Voluntários da Pátria, 45, apto 301, Rio de Janeiro - RJ, 22270-000",
     "Rua Voluntários da Pátria, 45, apto 301, Rio de Janeiro - RJ, 22270-000"),
    ("Praça da Sé, 1, 01001-000 São Paulo - SP", "Praça da Sé, 1, 01001-000 São Paulo - SP"),
    # Poland and the Nordic countries
    ("ul. Marszałkowska 10, 00-590 Warszawa", "ul. Marszałkowska 10, 00-590 Warszawa"),
    ("ul. Jana Pawła II 12/4, 61-139 Poznań", "ul. Jana Pawła II 12/4, 61-139 Poznań"),
    ("Drottninggatan 53, 111 21 Stockholm", "Drottninggatan 53, 111 21 Stockholm"),
    ("Nørregade 7, 2. tv, 1165 København K", "Nørregade 7, 2. tv, 1165 København K"),
    ("Karl Johans gate 1, 0154 Oslo", "Karl Johans gate 1, 0154 Oslo"),
    ("Mannerheimintie 1, 00100 Helsinki", "Mannerheimintie 1, 00100 Helsinki"),
    # China, Taiwan, Japan and Korea: no spaces before it in Chinese and Japanese, its own particles after
    ("请寄到北京市朝阳区建国路88号，谢谢", "北京市朝阳区建国路88号"),
    ("帮我发到广东省深圳市南山区科技园路1号A栋1201室，谢谢", "广东省深圳市南山区科技园路1号A栋1201室"),
    ("快递送到杭州市西湖区文三路90号", "杭州市西湖区文三路90号"),
    ("上海市黄浦区南京东路300弄5号", "上海市黄浦区南京东路300弄5号"),
    ("公司在台北市信義區信義路五段7號", "台北市信義區信義路五段7號"),
    ("〒100-8111 東京都千代田区千代田1-1", "〒100-8111 東京都千代田区千代田1-1"),
    ("本社は大阪市北区梅田3丁目1番1号です", "大阪市北区梅田3丁目1番1号"),
    ("秋田県いすみ市戸山9丁目5番1号に送ってください", "秋田県いすみ市戸山9丁目5番1号"),
    ("東京都港区六本木6-10-1 六本木ヒルズ森タワー 3階", "東京都港区六本木6-10-1 六本木ヒルズ森タワー 3階"),
    ("서울특별시 중구 세종대로 110 으로 보내주세요", "서울특별시 중구 세종대로 110"),
    ("경기도 성남시 분당구 판교역로 235", "경기도 성남시 분당구 판교역로 235"),
    # A French street's kind with its capital; a post office box; Ireland's Eircode; Mexico's colonia and state
    ("le Louvre, 12 Rue de Rivoli, 75001 Paris", "12 Rue de Rivoli, 75001 Paris"),
    ("5 Boulevard Haussmann, 75009 Paris", "5 Boulevard Haussmann, 75009 Paris"),
    ("Mail: PO Box 123, Austin, TX 78701", "PO Box 123, Austin, TX 78701"),
    ("P.O. Box 4567, Denver, CO 80202", "P.O. Box 4567, Denver, CO 80202"),
    ("4 Main Road, Dublin 4, D04 X2Y3", "4 Main Road, Dublin 4, D04 X2Y3"),
    ("Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México, CDMX",
     "Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México, CDMX"),
    ("Calle Madero 10, Centro, 06000 Ciudad de México", "Calle Madero 10, Centro, 06000 Ciudad de México"),
    # Turkey, Russia, Hungary, Czechia, Slovakia, Romania
    ("Atatürk Bulvarı No: 12, 06420 Çankaya/Ankara", "Atatürk Bulvarı No: 12, 06420 Çankaya/Ankara"),
    ("Moda Mah. Şair Nefi Sok. No:5 D:3 34710 Kadıköy/İstanbul",
     "Moda Mah. Şair Nefi Sok. No:5 D:3 34710 Kadıköy/İstanbul"),
    ("125009, г. Москва, ул. Тверская, д. 7, кв. 5", "125009, г. Москва, ул. Тверская, д. 7, кв. 5"),
    ("я живу: ул. Ленина, д. 10, кв. 25, г. Казань", "ул. Ленина, д. 10, кв. 25, г. Казань"),
    ("Невский пр., д. 28, Санкт-Петербург, 191186", "Невский пр., д. 28, Санкт-Петербург, 191186"),
    ("Váci utca 10, 1052 Budapest", "Váci utca 10, 1052 Budapest"),
    ("Kossuth utca 64., H-1215 Tótfalva", "Kossuth utca 64., H-1215 Tótfalva"),
    ("Václavské náměstí 1, 110 00 Praha 1", "Václavské náměstí 1, 110 00 Praha 1"),
    ("Hlavné námestie 1, 811 01 Bratislava", "Hlavné námestie 1, 811 01 Bratislava"),
    ("Strada Lipscani 5, 030031 București", "Strada Lipscani 5, 030031 București"),
    ("Aleea Lascăr Voinea Nr. 42, Sinaia, 156224", "Aleea Lascăr Voinea Nr. 42, Sinaia, 156224"),
])
def test_more_countries_addresses_are_found_without_a_label(text: str, address: str) -> None:
    assert addresses(text) == [(address, 0.8)]


@pytest.mark.parametrize(("text", "address"), [
    ("Best regards,\nAnna Schmidt\nAcme GmbH\nHauptstraße 5\n10115 Berlin\nTel: +49 30 1234567",  # a signature
     "Hauptstraße 5\n10115 Berlin"),
    ("Ship to:\nJane Doe\n742 Evergreen Terrace\nSpringfield, OR 97403\nUSA",  # a shipping label
     "742 Evergreen Terrace\nSpringfield, OR 97403"),
    ("221B Baker Street\nLondon NW1 6XE", "221B Baker Street\nLondon NW1 6XE"),
    ("Marie Dupont\n12 rue de la Paix\n75002 Paris", "12 rue de la Paix\n75002 Paris"),
    ("51 Franklin Street, Fifth Floor,\n Boston, MA 02110-1301", "51 Franklin Street, Fifth Floor,\n Boston, MA 02110-1301"),
    ("Meet me at PSC 1437, Box 3833\nAPO AA 66791", "PSC 1437, Box 3833\nAPO AA 66791"),  # a US military address
    ("Please return to Unit 4719 Box 7394\nDPO AP 70942 in case", "Unit 4719 Box 7394\nDPO AP 70942"),
    ("CMR 450, Box 1234, APO AE 09021", "CMR 450, Box 1234, APO AE 09021"),
])
def test_an_address_over_several_lines_is_found_whole(text: str, address: str) -> None:
    """A line break parts an address's parts as a comma does; the line after it without a digit is the text's."""
    assert addresses(text) == [(address, 0.8)]


def test_a_label_gives_the_surer_finding() -> None:
    """An address after its label is the label recognizer's (0.85), whole."""
    assert addresses("Address: 221B Baker Street, London NW1 6XE") == [("221B Baker Street, London NW1 6XE", 0.85)]


def test_a_label_and_a_street_say_one_address_together() -> None:
    """Where the label's address and the street's overlap, the finding is both: "ADDRESS: PSC 6293, Box 8158" to its
    line's end (0.85), and the military address that goes on to the next line (0.8)."""
    assert addresses("ADDRESS: PSC 6293, Box 8158\nAPO AP 04336") == [("PSC 6293, Box 8158\nAPO AP 04336", 0.85)]


@pytest.mark.parametrize("text", [
    "I live on Baker Street",  # a street alone: without its number and postcode, no sure address
    "We met at 10 Downing Street yesterday",
    "Take Route 66 and drive 200 miles",
    "sent via email on 12 May",
    "The court ruled 5-4 in 2020",
    "Version 2.0 of the road map, 12345 entries",
    "the meeting place is room 12, 10115 guests",
    "Order 12345 shipped via UPS, 90210 Beverly Hills",
    "see lane 3, 12345 Main",
    "commit 4f2a street view, TX 12345",
    "Order 12 shipped today, Boston, MA 02110",  # no street: its words begin in lower case
    "v2 Release Notes, Boston, MA 02110",  # no house number: "2" continues "v"
    "sent from roost.gateway, st. 5, 10115 Berlin",
    "Smith et al. 2020, pp. 12-345 Warszawa",  # "al. " is no avenue without the street's name and number
    "Order 12345 shipped to Lisboa, 1100-053 items",
    # Chinese, Japanese and Korean: a number's mark, a city, a particle without an address
    "我5号到北京", "今天是3月5号", "上海市的人都知道5号线很挤", "2024年3月5号我们去上海市玩", "订单号 20240105 已发货",
    "第88号文件", "地点 3 号楼 1808 房间", "東京都は今日晴れです", "大阪市の人口は270万人", "서울로 가요", "다시 만나요 10시에",
    # The new countries' words without a whole address
    "cd. && make, 12345 Targets/Build", "Sok. No: 5 bitti", "ул. Тверская очень длинная", "д. 7 и 125009 рублей",
    "Str. 5, 123456 items", "PO Box rentals cost 120 dollars, TX 78701", "Váci utca is busy, 1052 people",
    "the unit 12 box 4 apo ae 09021", "Unit 3 Box 5, APO AE 0902",  # military: in lower case, a ZIP code cut short
])
def test_what_is_no_whole_address_stays(text: str) -> None:
    assert addresses(text) == []

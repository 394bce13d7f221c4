/*
 * VBA source that downloads and runs: a downloader API and an execution API in the
 * same module. Fires on the VBA source parts ole.c derives from a project (the
 * compressed module streams inside .doc/.xls do not show these strings).
 */
rule Embargo_VBA_Download_Execute : vba downloader
{
	meta:
		severity = "high"
		description = "VBA code that downloads a file and executes something"
	strings:
		/* VBA source markers */
		$vb1 = "Attribute VB_" nocase
		$vb2 = /\b(Sub|Function)\s+\w+\s*\(/ nocase
		/* downloaders */
		$d1 = "URLDownloadToFile" nocase
		$d2 = "XMLHTTP" nocase
		$d3 = "WinHttp.WinHttpRequest" nocase
		$d4 = "ServerXMLHTTP" nocase
		$d5 = "InternetExplorer.Application" nocase
		$d6 = "Net.WebClient" nocase
		/* execution */
		$x1 = /\bShell\s*[\( ]/ nocase
		$x2 = "WScript.Shell" nocase
		$x3 = "Shell.Application" nocase
		$x4 = "ShellExecute" nocase
		$x5 = "Win32_Process" nocase
		$x6 = "CreateObject(" nocase
	condition:
		filesize < 5MB and any of ($vb*) and any of ($d*) and
		(any of ($x1, $x2, $x3, $x4, $x5) or ($x6 and #x6 >= 2))
}

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>OrderDesk – master password</source>
        <translation>OrderDesk – Master-Passwort</translation>
    </message>
    <message>
        <source>This computer has no system keyring, so OrderDesk keeps the marketplace credentials in an encrypted file.

Master password:</source>
        <translation>Dieser Computer hat keinen Systemschlüsselbund, deshalb bewahrt OrderDesk die Zugangsdaten der Marktplätze in einer verschlüsselten Datei auf.

Master-Passwort:</translation>
    </message>
    <message>
        <source>This computer has no system keyring, so OrderDesk keeps the marketplace credentials in an encrypted file.

Choose a master password (at least 8 characters):</source>
        <translation>Dieser Computer hat keinen Systemschlüsselbund, deshalb bewahrt OrderDesk die Zugangsdaten der Marktplätze in einer verschlüsselten Datei auf.

Wählen Sie ein Master-Passwort (mindestens 8 Zeichen):</translation>
    </message>
    <message>
        <source>Please choose at least 8 characters.</source>
        <translation>Bitte wählen Sie mindestens 8 Zeichen.</translation>
    </message>
    <message>
        <source>Repeat the master password:</source>
        <translation>Master-Passwort wiederholen:</translation>
    </message>
    <message>
        <source>The two passwords differ. Please try again.</source>
        <translation>Die beiden Passwörter stimmen nicht überein. Bitte versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>Welcome to OrderDesk</source>
        <translation>Willkommen bei OrderDesk</translation>
    </message>
    <message>
        <source>No marketplace account is set up yet.

Would you like to try OrderDesk with the demo profile? It starts a built-in OTTO Market sandbox with two demo accounts, new orders every minute and backlog orders that are released a few minutes later.

Demo data is kept in its own folder and never mixes with your real data.</source>
        <translation>Es ist noch kein Marktplatz-Konto eingerichtet.

Möchten Sie OrderDesk mit dem Demo-Profil ausprobieren? Es startet eine eingebaute OTTO-Market-Sandbox mit zwei Demo-Konten, jede Minute neuen Aufträgen und Aufträgen im Rückstand, die einige Minuten später freigegeben werden.

Demo-Daten liegen in einem eigenen Ordner und vermischen sich nie mit Ihren echten Daten.</translation>
    </message>
    <message>
        <source>Start the demo</source>
        <translation>Demo starten</translation>
    </message>
    <message>
        <source>Continue without</source>
        <translation>Ohne Demo fortfahren</translation>
    </message>
    <message>
        <source>OrderDesk cannot start</source>
        <translation>OrderDesk kann nicht starten</translation>
    </message>
    <message>
        <source>OrderDesk could not open its data.

%1</source>
        <translation>OrderDesk konnte seine Daten nicht öffnen.

%1</translation>
    </message>
    <message>
        <source>Demo profile · data in %1 · marketplace sandboxes at %2</source>
        <translation>Demo-Profil · Daten in %1 · Marktplatz-Sandboxen unter %2</translation>
    </message>
</context>
<context>
    <name>AccountDialog</name>
    <message>
        <source>Client ID</source>
        <translation>Client-ID</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>Client-Secret</translation>
    </message>
    <message>
        <source>Refresh token</source>
        <translation>Refresh-Token</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Secret key</source>
        <translation>Geheimer Schlüssel</translation>
    </message>
    <message>
        <source>Client key</source>
        <translation>Client-Key</translation>
    </message>
    <message>
        <source>Marketplace ID</source>
        <translation>Marktplatz-ID</translation>
    </message>
    <message>
        <source>Storefront</source>
        <translation>Storefront</translation>
    </message>
    <message>
        <source>Edit account</source>
        <translation>Konto bearbeiten</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Konto hinzufügen</translation>
    </message>
    <message>
        <source>Edit the account “%1”</source>
        <translation>Konto „%1“ bearbeiten</translation>
    </message>
    <message>
        <source>Connect a marketplace account</source>
        <translation>Ein Marktplatz-Konto verbinden</translation>
    </message>
    <message>
        <source>Leave a credential field empty to keep what is stored.</source>
        <translation>Lassen Sie ein Feld der Zugangsdaten leer, um den gespeicherten Wert zu behalten.</translation>
    </message>
    <message>
        <source>OrderDesk signs in with these credentials to fetch the account&apos;s orders.</source>
        <translation>Mit diesen Zugangsdaten meldet sich OrderDesk an, um die Aufträge des Kontos abzuholen.</translation>
    </message>
    <message>
        <source>Sales &amp;channel:</source>
        <translation>&amp;Verkaufskanal:</translation>
    </message>
    <message>
        <source>e.g. OTTO Main shop</source>
        <translation>z. B. OTTO Hauptshop</translation>
    </message>
    <message>
        <source>Account &amp;name:</source>
        <translation>Konto&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>Credentials are kept in the system keyring (or the encrypted credential file) and are never shown again.</source>
        <translation>Zugangsdaten werden im Systemschlüsselbund (oder in der verschlüsselten Zugangsdatendatei) aufbewahrt und nie wieder angezeigt.</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Produktivsystem</translation>
    </message>
    <message>
        <source>Marketplace sandbox</source>
        <translation>Sandbox des Marktplatzes</translation>
    </message>
    <message>
        <source>Local sandbox (orderdesk sandbox)</source>
        <translation>Lokale Sandbox (orderdesk sandbox)</translation>
    </message>
    <message>
        <source>Other address</source>
        <translation>Andere Adresse</translation>
    </message>
    <message>
        <source>unchanged — type to replace</source>
        <translation>unverändert – zum Ersetzen eintippen</translation>
    </message>
    <message>
        <source>e.g. http://127.0.0.1:8765/%1 – printed by “orderdesk sandbox”</source>
        <translation>z. B. http://127.0.0.1:8765/%1 – wird von „orderdesk sandbox“ ausgegeben</translation>
    </message>
    <message>
        <source>Enter the address of the marketplace API.</source>
        <translation>Geben Sie die Adresse der Marktplatz-API ein.</translation>
    </message>
    <message>
        <source>The address must start with http:// or https:// and name a server, without a user name or password.</source>
        <translation>Die Adresse muss mit http:// oder https:// beginnen und einen Server nennen, ohne Benutzername oder Passwort.</translation>
    </message>
    <message>
        <source>Enter the %1.</source>
        <translation>Bitte %1 eingeben.</translation>
    </message>
    <message>
        <source>Enter a name for the account.</source>
        <translation>Geben Sie einen Namen für das Konto ein.</translation>
    </message>
    <message>
        <source>An account named “%1” exists already; choose another name.</source>
        <translation>Ein Konto namens „%1“ gibt es bereits; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>The stored credentials could not be read: %1</source>
        <translation>Die gespeicherten Zugangsdaten konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Enter the %1 first.</source>
        <translation>Bitte zuerst %1 eingeben.</translation>
    </message>
    <message>
        <source>Testing the connection to %1…</source>
        <translation>Verbindung zu %1 wird getestet…</translation>
    </message>
    <message>
        <source>The connection works: %1 accepted the credentials.</source>
        <translation>Die Verbindung funktioniert: %1 hat die Zugangsdaten akzeptiert.</translation>
    </message>
    <message>
        <source>The connection does not work: %1</source>
        <translation>Die Verbindung funktioniert nicht: %1</translation>
    </message>
    <message>
        <source>The account could not be saved: %1</source>
        <translation>Das Konto konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>The account was saved, but its new credentials could not be stored: %1</source>
        <translation>Das Konto wurde gespeichert, aber seine neuen Zugangsdaten konnten nicht abgelegt werden: %1</translation>
    </message>
    <message>
        <source>The credentials could not be stored, so the account was not added: %1</source>
        <translation>Die Zugangsdaten konnten nicht abgelegt werden, daher wurde das Konto nicht hinzugefügt: %1</translation>
    </message>
</context>
<context>
    <name>AccountFetchModel</name>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Last successful fetch</source>
        <translation>Letzter erfolgreicher Abruf</translation>
    </message>
    <message>
        <source>Last result</source>
        <translation>Letztes Ergebnis</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>not fetched yet</source>
        <translation>noch nicht abgeholt</translation>
    </message>
</context>
<context>
    <name>AccountsModel</name>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Last successful fetch</source>
        <translation>Letzter erfolgreicher Abruf</translation>
    </message>
    <message>
        <source>Last result</source>
        <translation>Letztes Ergebnis</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>AccountsView</name>
    <message>
        <source>Marketplace accounts</source>
        <translation>Marktplatz-Konten</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>Connect another marketplace account</source>
        <translation>Ein weiteres Marktplatz-Konto verbinden</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>Change the name, address or credentials of the chosen account</source>
        <translation>Name, Adresse oder Zugangsdaten des gewählten Kontos ändern</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Inactive accounts are not fetched</source>
        <translation>Inaktive Konten werden nicht abgeholt</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen…</translation>
    </message>
    <message>
        <source>Remove the chosen account and its orders</source>
        <translation>Das gewählte Konto und seine Aufträge entfernen</translation>
    </message>
    <message>
        <source>Credentials are kept in the system keyring (or the encrypted credential file) and are never shown again. Double-click an account to edit it.</source>
        <translation>Zugangsdaten werden im Systemschlüsselbund (oder in der verschlüsselten Zugangsdatendatei) aufbewahrt und nie wieder angezeigt. Doppelklick auf ein Konto öffnet es zum Bearbeiten.</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>Konto entfernen</translation>
    </message>
    <message>
        <source>Remove the account “%1”?

Its orders and payment receipts are removed from OrderDesk too, and its credentials are deleted from the keyring. This cannot be undone.</source>
        <translation>Konto „%1“ entfernen?

Seine Aufträge und Zahlungseingänge werden ebenfalls aus OrderDesk entfernt und seine Zugangsdaten aus dem Schlüsselbund gelöscht. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
</context>
<context>
    <name>CsvExport</name>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>Unexpected error</source>
        <translation>Unerwarteter Fehler</translation>
    </message>
    <message>
        <source>Something went wrong, but your data is safe and the window stays open.

%1</source>
        <translation>Etwas ist schiefgelaufen, aber Ihre Daten sind sicher und das Fenster bleibt offen.

%1</translation>
    </message>
    <message>
        <source>Details were written to %1.</source>
        <translation>Details wurden in %1 gespeichert.</translation>
    </message>
</context>
<context>
    <name>FetchDialog</name>
    <message>
        <source>Fetch orders – %1</source>
        <translation>Aufträge abholen – %1</translation>
    </message>
    <message>
        <source>New and changed orders are fetched from every active account. Orders the marketplace has not released yet go to the backlog.</source>
        <translation>Neue und geänderte Aufträge werden von jedem aktiven Konto abgeholt. Aufträge, die der Marktplatz noch nicht freigegeben hat, kommen in den Rückstand.</translation>
    </message>
    <message>
        <source>There is no active %1 account. Add one with “orderdesk accounts add”.</source>
        <translation>Es gibt kein aktives %1-Konto. Legen Sie eines mit „orderdesk accounts add“ an.</translation>
    </message>
    <message>
        <source>Fetch all</source>
        <translation>Alle abholen</translation>
    </message>
    <message>
        <source>Cancel fetching</source>
        <translation>Abholen abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>Abholen</translation>
    </message>
    <message>
        <source>Fetching…</source>
        <translation>Wird abgeholt…</translation>
    </message>
    <message>
        <source>Credentials not available</source>
        <translation>Zugangsdaten nicht verfügbar</translation>
    </message>
    <message>
        <source>The account credentials cannot be read, so nothing was fetched.

%1</source>
        <translation>Die Zugangsdaten des Kontos können nicht gelesen werden, daher wurde nichts abgeholt.

%1</translation>
    </message>
    <message>
        <source>Cancelling after the current page…</source>
        <translation>Wird nach der aktuellen Seite abgebrochen…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird aufgebaut…</translation>
    </message>
    <message>
        <source>Page %1: %2 new, %3 updated, %4 released</source>
        <translation>Seite %1: %2 neu, %3 aktualisiert, %4 freigegeben</translation>
    </message>
    <message>
        <source>%1: cancelled; everything fetched so far is kept.</source>
        <translation>%1: abgebrochen; alles bisher Abgeholte bleibt erhalten.</translation>
    </message>
    <message>
        <source>%1: finished – %2 new, %3 updated, %4 released.</source>
        <translation>%1: fertig – %2 neu, %3 aktualisiert, %4 freigegeben.</translation>
    </message>
    <message>
        <source>%1: failed – see the log box.</source>
        <translation>%1: fehlgeschlagen – siehe Protokollbox.</translation>
    </message>
    <message numerus="yes">
        <source>Fetching %n account(s)…</source>
        <translation>
            <numerusform>%n Konto wird abgeholt…</numerusform>
            <numerusform>%n Konten werden abgeholt…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Partially shipped</source>
        <translation>Teilweise versandt</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>Versandt</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Retourniert</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Marketplace payment check</source>
        <translation>Zahlungsprüfung des Marktplatzes</translation>
    </message>
    <message>
        <source>Awaiting payment</source>
        <translation>Zahlung ausstehend</translation>
    </message>
    <message>
        <source>Pending at the marketplace (not paid, no address)</source>
        <translation>Beim Marktplatz ausstehend (nicht bezahlt, keine Adresse)</translation>
    </message>
    <message>
        <source>Not yet released by the marketplace</source>
        <translation>Vom Marktplatz noch nicht freigegeben</translation>
    </message>
    <message>
        <source>Recycling &amp; Entsorgung</source>
        <translation>Recycling &amp; Entsorgung</translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation>Abgeholt</translation>
    </message>
    <message>
        <source>Held in backlog</source>
        <translation>In den Rückstand gestellt</translation>
    </message>
    <message>
        <source>Released from backlog</source>
        <translation>Aus dem Rückstand freigegeben</translation>
    </message>
    <message>
        <source>Status changed</source>
        <translation>Status geändert</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>Payment recorded</source>
        <translation>Zahlungseingang erfasst</translation>
    </message>
    <message>
        <source>Refund recorded</source>
        <translation>Rückerstattung erfasst</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Zahlungseingang</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Rückerstattung</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T. %2 Std.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 (due)</source>
        <translation>%1 (fällig)</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1 (in %2)</translation>
    </message>
    <message>
        <source>Fetching orders started</source>
        <translation>Auftragsabholung gestartet</translation>
    </message>
    <message>
        <source>Page %1: %2 orders, %3 new, %4 updated, %5 released, %6 cancelled</source>
        <translation>Seite %1: %2 Aufträge, %3 neu, %4 aktualisiert, %5 freigegeben, %6 storniert</translation>
    </message>
    <message>
        <source>Fetch finished: %1 new, %2 updated, %3 released, %4 cancelled, %5 quarantined, %6 receipts, %7 pages in %8 s</source>
        <translation>Abholung beendet: %1 neu, %2 aktualisiert, %3 freigegeben, %4 storniert, %5 in Quarantäne, %6 Zahlungseingänge, %7 Seiten in %8 s</translation>
    </message>
    <message>
        <source>Fetching failed: %1. Orders fetched before the error are kept; the next fetch continues from there.</source>
        <translation>Abholung fehlgeschlagen: %1. Vor dem Fehler abgeholte Aufträge bleiben erhalten; die nächste Abholung setzt dort fort.</translation>
    </message>
    <message>
        <source>quota %1: %2 of %3 left at %4/s</source>
        <translation>Kontingent %1: %2 von %3 übrig bei %4/s</translation>
    </message>
    <message>
        <source>about %1 s to finish</source>
        <translation>noch etwa %1 s</translation>
    </message>
    <message>
        <source>Fetch cancelled by the user. Everything fetched so far is kept.</source>
        <translation>Abholung vom Benutzer abgebrochen. Alles bis dahin Abgeholte bleibt erhalten.</translation>
    </message>
    <message>
        <source>This order could not be read and was set aside: %1</source>
        <translation>Dieser Auftrag konnte nicht gelesen werden und wurde zurückgestellt: %1</translation>
    </message>
</context>
<context>
    <name>LogDock</name>
    <message>
        <source>Log box</source>
        <translation>Protokollbox</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>All entries</source>
        <translation>Alle Einträge</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected entries as tab-separated text (Ctrl+C)</source>
        <translation>Die markierten Einträge als tabulatorgetrennten Text kopieren (Strg+C)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Save every stored entry that matches the filter as a CSV file</source>
        <translation>Alle gespeicherten Einträge, die zum Filter passen, als CSV-Datei speichern</translation>
    </message>
    <message>
        <source>Follow new entries</source>
        <translation>Neuen Einträgen folgen</translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n errors</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>%n angezeigt</numerusform>
            <numerusform>%n angezeigt</numerusform>
        </translation>
    </message>
    <message>
        <source>Export log entries</source>
        <translation>Protokolleinträge exportieren</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>The log could not be saved to %1:
%2</source>
        <translation>Das Protokoll konnte nicht unter %1 gespeichert werden:
%2</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>Auftrag %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>OrderDesk</source>
        <translation>OrderDesk</translation>
    </message>
    <message>
        <source>Demo profile</source>
        <translation>Demo-Profil</translation>
    </message>
    <message>
        <source>Fetch
orders</source>
        <translation>Aufträge
abholen</translation>
    </message>
    <message>
        <source>Fetch new and changed orders of the chosen sales channel (F9)</source>
        <translation>Neue und geänderte Aufträge des gewählten Verkaufskanals abholen (F9)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the lists from the database (F5)</source>
        <translation>Die Listen neu aus der Datenbank laden (F5)</translation>
    </message>
    <message>
        <source>Open data
folder</source>
        <translation>Datenordner
öffnen</translation>
    </message>
    <message>
        <source>Open the folder with the database and the log files</source>
        <translation>Den Ordner mit der Datenbank und den Protokolldateien öffnen</translation>
    </message>
    <message>
        <source>About
OrderDesk</source>
        <translation>Über
OrderDesk</translation>
    </message>
    <message>
        <source>Add
account</source>
        <translation>Konto
hinzufügen</translation>
    </message>
    <message>
        <source>No marketplace account is set up yet. Add one under Administration › Add account, or start the demo with “orderdesk --demo”.</source>
        <translation>Es ist noch kein Marktplatz-Konto eingerichtet. Legen Sie eines unter Administration › Konto hinzufügen an oder starten Sie die Demo mit „orderdesk --demo“.</translation>
    </message>
    <message>
        <source>Connect a marketplace account</source>
        <translation>Ein Marktplatz-Konto verbinden</translation>
    </message>
    <message>
        <source>Work with %1</source>
        <translation>Mit %1 arbeiten</translation>
    </message>
    <message>
        <source>Coming in a later version</source>
        <translation>Kommt in einer späteren Version</translation>
    </message>
    <message>
        <source>Status &amp; Shipping</source>
        <translation>Status &amp; Versand</translation>
    </message>
    <message>
        <source>Reporting shipments and status changes back to the marketplaces comes in a later version.</source>
        <translation>Die Rückmeldung von Sendungen und Statusänderungen an die Marktplätze kommt in einer späteren Version.</translation>
    </message>
    <message>
        <source>Log box</source>
        <translation>Protokollbox</translation>
    </message>
    <message>
        <source>Show or hide the log box</source>
        <translation>Protokollbox ein- oder ausblenden</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Sales channel</source>
        <translation>Verkaufskanal</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>Abholen</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Releases</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <source>Orders wait here until the marketplace
releases them; each fetch picks up releases.</source>
        <translation>Aufträge warten hier, bis der Marktplatz
sie freigibt; jeder Abruf holt Freigaben ab.</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Zahlungen</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>Zahlungseingänge</translation>
    </message>
    <message>
        <source>A payment is recorded when the marketplace
releases an order, a refund when it cancels.</source>
        <translation>Ein Zahlungseingang wird erfasst, wenn der Marktplatz
einen Auftrag freigibt, eine Rückerstattung bei Storno.</translation>
    </message>
    <message>
        <source>Status &amp;&amp; Shipping</source>
        <translation>Status &amp;&amp; Versand</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Language of the window; applies after a restart</source>
        <translation>Sprache des Fensters; gilt nach einem Neustart</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemeinstellung</translation>
    </message>
    <message>
        <source>Fetch new and changed orders from %1 (F9)</source>
        <translation>Neue und geänderte Aufträge von %1 abholen (F9)</translation>
    </message>
    <message>
        <source>%1: %2 new, %3 updated, %4 released</source>
        <translation>%1: %2 neu, %3 aktualisiert, %4 freigegeben</translation>
    </message>
    <message>
        <source>%1: fetch cancelled</source>
        <translation>%1: Abruf abgebrochen</translation>
    </message>
    <message>
        <source>%1: fetch failed – see the log box</source>
        <translation>%1: Abruf fehlgeschlagen – siehe Protokollbox</translation>
    </message>
    <message numerus="yes">
        <source>Fetching %n account(s)…</source>
        <translation>
            <numerusform>%n Konto wird abgeholt…</numerusform>
            <numerusform>%n Konten werden abgeholt…</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not read from the database: %1</source>
        <translation>Die Datenbank konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Backlog (%1)</source>
        <translation>Rückstand (%1)</translation>
    </message>
    <message>
        <source>Language changed</source>
        <translation>Sprache geändert</translation>
    </message>
    <message>
        <source>The new language applies after OrderDesk is restarted.</source>
        <translation>Die neue Sprache gilt nach einem Neustart von OrderDesk.</translation>
    </message>
    <message>
        <source>About OrderDesk</source>
        <translation>Über OrderDesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;OrderDesk %1&lt;/b&gt;&lt;br&gt;One desk for the orders of every marketplace.&lt;br&gt;&lt;br&gt;Data folder: %2</source>
        <translation>&lt;b&gt;OrderDesk %1&lt;/b&gt;&lt;br&gt;Ein Schreibtisch für die Aufträge aller Marktplätze.&lt;br&gt;&lt;br&gt;Datenordner: %2</translation>
    </message>
    <message>
        <source>Fetch running</source>
        <translation>Abruf läuft</translation>
    </message>
    <message>
        <source>Orders are still being fetched. Stop fetching and close?

Everything fetched so far is kept; the next fetch continues from there.</source>
        <translation>Es werden noch Aufträge abgeholt. Abholen beenden und schließen?

Alles bisher Abgeholte bleibt erhalten; der nächste Abruf macht dort weiter.</translation>
    </message>
</context>
<context>
    <name>OrderDetailPane</name>
    <message>
        <source>Select an order to see its lines, addresses, payments and history.</source>
        <translation>Wählen Sie einen Auftrag, um Positionen, Adressen, Zahlungen und Verlauf zu sehen.</translation>
    </message>
    <message>
        <source>Pos.</source>
        <translation>Pos.</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>Artikelnr.</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Artikel</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>Menge</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>Einzelpreis</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>MwSt.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Recycling</source>
        <translation>Recycling</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Positionen</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Erfasst</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Payment system</source>
        <translation>Zahlungsart</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Zahlungen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Zeitpunkt</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Take-back of the old appliance ordered for: %1</source>
        <translation>Altgeräte-Mitnahme bestellt für: %1</translation>
    </message>
    <message>
        <source>The customer ordered take-back of an old appliance.</source>
        <translation>Der Kunde hat die Mitnahme eines Altgeräts bestellt.</translation>
    </message>
    <message>
        <source>Held since %1 (%2). Expected release: %3.</source>
        <translation>Zurückgehalten seit %1 (%2). Voraussichtliche Freigabe: %3.</translation>
    </message>
    <message>
        <source>Released from the backlog on %1.</source>
        <translation>Am %1 aus dem Rückstand freigegeben.</translation>
    </message>
    <message>
        <source>Shipping address</source>
        <translation>Lieferadresse</translation>
    </message>
    <message>
        <source>Billing address</source>
        <translation>Rechnungsadresse</translation>
    </message>
    <message>
        <source>Lines (%1)</source>
        <translation>Positionen (%1)</translation>
    </message>
    <message>
        <source>Payments (%1)</source>
        <translation>Zahlungen (%1)</translation>
    </message>
    <message>
        <source>Timeline (%1)</source>
        <translation>Verlauf (%1)</translation>
    </message>
    <message>
        <source>Delivery: %1</source>
        <translation>Versand: %1</translation>
    </message>
    <message>
        <source>Discount: %1</source>
        <translation>Rabatt: %1</translation>
    </message>
    <message>
        <source>Not known yet: the marketplace sends it once the payment check is done.</source>
        <translation>Noch nicht bekannt: Der Marktplatz übermittelt sie nach der Zahlungsprüfung.</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Left the backlog as %1</source>
        <translation>Den Rückstand verlassen als %1</translation>
    </message>
    <message>
        <source>Changed at the marketplace</source>
        <translation>Beim Marktplatz geändert</translation>
    </message>
</context>
<context>
    <name>OrdersModel</name>
    <message>
        <source>Order number</source>
        <translation>Auftragsnummer</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>Auftragsdatum</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Merkmale</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Hold reason</source>
        <translation>Rückstandsgrund</translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation>Wartezeit</translation>
    </message>
    <message>
        <source>Expected release</source>
        <translation>Voraussichtliche Freigabe</translation>
    </message>
    <message>
        <source>Held since %1; expected release %2</source>
        <translation>Zurückgehalten seit %1; voraussichtliche Freigabe %2</translation>
    </message>
    <message>
        <source>(no address yet)</source>
        <translation>(noch keine Adresse)</translation>
    </message>
</context>
<context>
    <name>OrdersView</name>
    <message>
        <source>Backlog: orders the marketplace has not released yet</source>
        <translation>Rückstand: Aufträge, die der Marktplatz noch nicht freigegeben hat</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Search order number or customer…</source>
        <translation>Auftragsnummer oder Kunde suchen…</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message numerus="yes">
        <source>%n held orders</source>
        <translation>
            <numerusform>%n zurückgehaltener Auftrag</numerusform>
            <numerusform>%n zurückgehaltene Aufträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n orders</source>
        <translation>
            <numerusform>%n Auftrag</numerusform>
            <numerusform>%n Aufträge</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>%1 gefunden</translation>
    </message>
</context>
<context>
    <name>PaymentsModel</name>
    <message>
        <source>Recorded</source>
        <translation>Erfasst</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>Auftragsnummer</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Payment system</source>
        <translation>Zahlungsart</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Position</translation>
    </message>
</context>
<context>
    <name>PaymentsView</name>
    <message>
        <source>Payment receipts</source>
        <translation>Zahlungseingänge</translation>
    </message>
    <message>
        <source>Search order number or payment system…</source>
        <translation>Auftragsnummer oder Zahlungsart suchen…</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>Receipts recorded on or after this day</source>
        <translation>Zahlungseingänge, die an oder nach diesem Tag erfasst wurden</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Bis:</translation>
    </message>
    <message>
        <source>Receipts recorded on or before this day</source>
        <translation>Zahlungseingänge, die an oder vor diesem Tag erfasst wurden</translation>
    </message>
    <message>
        <source>All dates</source>
        <translation>Alle Tage</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Save the receipts matching the filter as a CSV file</source>
        <translation>Die zum Filter passenden Zahlungseingänge als CSV-Datei speichern</translation>
    </message>
    <message>
        <source>Double-click a receipt to open its order.</source>
        <translation>Doppelklick auf einen Zahlungseingang öffnet den Auftrag.</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source>Export payment receipts</source>
        <translation>Zahlungseingänge exportieren</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>The receipts could not be saved to %1:
%2</source>
        <translation>Die Zahlungseingänge konnten nicht unter %1 gespeichert werden:
%2</translation>
    </message>
    <message numerus="yes">
        <source>%n receipts</source>
        <translation>
            <numerusform>%n Zahlungseingang</numerusform>
            <numerusform>%n Zahlungseingänge</numerusform>
        </translation>
    </message>
</context>
</TS>

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
    <name>ApiTokensDialog</name>
    <message>
        <source>API tokens</source>
        <translation>API-Tokens</translation>
    </message>
    <message>
        <source>ERP systems use the web service of the application server with an API token. Give each ERP its own token; revoke a token when it is no longer used or may have leaked.</source>
        <translation>ERP-Systeme nutzen den Webservice des Applikationsservers mit einem API-Token. Geben Sie jedem ERP ein eigenes Token; widerrufen Sie ein Token, wenn es nicht mehr gebraucht wird oder bekannt geworden sein könnte.</translation>
    </message>
    <message>
        <source>Create…</source>
        <translation>Erstellen…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <source>Could not read the tokens: %1</source>
        <translation>Die Tokens konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Create API token</source>
        <translation>API-Token erstellen</translation>
    </message>
    <message>
        <source>Name of the token (e.g. the ERP system that uses it):</source>
        <translation>Name des Tokens (z. B. das ERP-System, das es nutzt):</translation>
    </message>
    <message>
        <source>The token needs a name.</source>
        <translation>Das Token braucht einen Namen.</translation>
    </message>
    <message>
        <source>Could not create the token: %1</source>
        <translation>Das Token konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Revoke API token</source>
        <translation>API-Token widerrufen</translation>
    </message>
    <message>
        <source>Revoke the token “%1”? The ERP system that uses it is refused from now on. This cannot be undone.</source>
        <translation>Das Token „%1“ widerrufen? Das ERP-System, das es nutzt, wird ab sofort abgewiesen. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Token “%1” revoked.</source>
        <translation>Token „%1“ widerrufen.</translation>
    </message>
    <message>
        <source>Could not revoke the token: %1</source>
        <translation>Das Token konnte nicht widerrufen werden: %1</translation>
    </message>
</context>
<context>
    <name>ApiTokensModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Begins with</source>
        <translation>Beginnt mit</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt genutzt</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>CancelDialog</name>
    <message>
        <source>Cancel order %1</source>
        <translation>Auftrag %1 stornieren</translation>
    </message>
    <message>
        <source>Lines and pieces to cancel:</source>
        <translation>Zu stornierende Positionen und Stückzahlen:</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Stornieren</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>OTTO takes no reason with a cancellation by the seller; the reason is kept in the order&apos;s timeline.</source>
        <translation>OTTO nimmt bei einer Stornierung durch den Verkäufer keinen Grund entgegen; der Grund bleibt im Verlauf des Auftrags.</translation>
    </message>
    <message>
        <source>Shopware cancels whole orders only.</source>
        <translation>Shopware storniert nur ganze Aufträge.</translation>
    </message>
    <message>
        <source>Cancel &amp;pieces</source>
        <translation>Stück &amp;stornieren</translation>
    </message>
    <message>
        <source>Choose at least one piece to cancel.</source>
        <translation>Wählen Sie mindestens ein Stück zum Stornieren.</translation>
    </message>
    <message numerus="yes">
        <source>%n piece(s) will be cancelled and the marketplace told so with the next transmission.</source>
        <translation>
            <numerusform>%n Stück wird storniert und dem Marktplatz mit der nächsten Übertragung gemeldet.</numerusform>
            <numerusform>%n Stück werden storniert und dem Marktplatz mit der nächsten Übertragung gemeldet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was cancelled: %1</source>
        <translation>Es wurde nichts storniert: %1</translation>
    </message>
</context>
<context>
    <name>CancelReasons</name>
    <message>
        <source>On the seller&apos;s wish</source>
        <translation>Auf Wunsch des Verkäufers</translation>
    </message>
    <message>
        <source>On the customer&apos;s wish</source>
        <translation>Auf Wunsch des Kunden</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Nicht vorrätig</translation>
    </message>
    <message>
        <source>The buyer cancelled</source>
        <translation>Der Käufer hat storniert</translation>
    </message>
    <message>
        <source>The shipping address cannot be served</source>
        <translation>Die Lieferadresse kann nicht beliefert werden</translation>
    </message>
    <message>
        <source>Wrong catalogue data</source>
        <translation>Falsche Katalogdaten</translation>
    </message>
    <message>
        <source>General adjustment</source>
        <translation>Allgemeine Korrektur</translation>
    </message>
    <message>
        <source>Merchandise not received</source>
        <translation>Ware nicht eingetroffen</translation>
    </message>
    <message>
        <source>Stock arrives too late</source>
        <translation>Ware kommt zu spät</translation>
    </message>
    <message>
        <source>Wrong price</source>
        <translation>Falscher Preis</translation>
    </message>
    <message>
        <source>The buyer does not answer</source>
        <translation>Der Käufer antwortet nicht</translation>
    </message>
    <message>
        <source>Region cannot be delivered to</source>
        <translation>Region wird nicht beliefert</translation>
    </message>
    <message>
        <source>Cancel the whole order</source>
        <translation>Ganzen Auftrag stornieren</translation>
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
    <name>JobLabels</name>
    <message>
        <source>Order fetch</source>
        <translation>Auftragsabruf</translation>
    </message>
    <message>
        <source>Status transmission</source>
        <translation>Statusübertragung</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>switched off</source>
        <translation>ausgeschaltet</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>jetzt fällig</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>account inactive</source>
        <translation>Konto inaktiv</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, lease until %2</source>
        <translation>%1, reserviert bis %2</translation>
    </message>
</context>
<context>
    <name>JobsDialog</name>
    <message>
        <source>Jobs of the application server</source>
        <translation>Jobs des Applikationsservers</translation>
    </message>
    <message>
        <source>&lt;b&gt;orderdesk serve&lt;/b&gt; on the application server runs the jobs switched on here; while a desk is open it also sends the due status transmissions itself.</source>
        <translation>&lt;b&gt;orderdesk serve&lt;/b&gt; auf dem Applikationsserver führt die hier eingeschalteten Jobs aus; solange ein Arbeitsplatz geöffnet ist, sendet er fällige Statusübertragungen auch selbst.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>%1 jobs, %2 switched on, %3 running · read at %4</source>
        <translation>%1 Jobs, %2 eingeschaltet, %3 laufen · gelesen um %4</translation>
    </message>
    <message>
        <source>Could not read the jobs: %1</source>
        <translation>Die Jobs konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Select a job to see its last outcome. Tick “On” to switch a job on; double-click the interval to change it.</source>
        <translation>Wählen Sie einen Job, um sein letztes Ergebnis zu sehen. Haken bei „Ein“ schaltet einen Job ein; Doppelklick auf das Intervall ändert es.</translation>
    </message>
    <message>
        <source>Last run %1: %2</source>
        <translation>Letzter Lauf %1: %2</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Could not save the job: %1</source>
        <translation>Der Job konnte nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Für</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Ein</translation>
    </message>
    <message>
        <source>Every (min)</source>
        <translation>Alle (Min.)</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzter Lauf</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Nächster Lauf</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Running on</source>
        <translation>Läuft auf</translation>
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
        <source>Package shipped</source>
        <translation>Paket versandt</translation>
    </message>
    <message>
        <source>Cancellation recorded</source>
        <translation>Stornierung erfasst</translation>
    </message>
    <message>
        <source>Tracking number added</source>
        <translation>Sendungsnummer nachgetragen</translation>
    </message>
    <message>
        <source>Status sent to the marketplace</source>
        <translation>Status an den Marktplatz gesendet</translation>
    </message>
    <message>
        <source>Invoice created</source>
        <translation>Rechnung erstellt</translation>
    </message>
    <message>
        <source>Payment settled</source>
        <translation>Zahlung ausgeglichen</translation>
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
    <message>
        <source>Status transmission: %1 sent (%2 confirmed, %3 not shown by the marketplace), %4 deferred, %5 failed</source>
        <translation>Statusübertragung: %1 gesendet (%2 bestätigt, %3 vom Marktplatz nicht angezeigt), %4 zurückgestellt, %5 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>LinesTable</name>
    <message>
        <source>SKU</source>
        <translation>Artikelnr.</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Artikel</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>Bestellt</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
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
    <name>NewTokenDialog</name>
    <message>
        <source>New API token</source>
        <translation>Neues API-Token</translation>
    </message>
    <message>
        <source>The token for &lt;b&gt;%1&lt;/b&gt;:</source>
        <translation>Das Token für &lt;b&gt;%1&lt;/b&gt;:</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the token now and enter it in the ERP system. It cannot be shown again: OrderDesk keeps only a fingerprint of it. If it is lost, revoke it and create a new one.</source>
        <translation>Kopieren Sie das Token jetzt und tragen Sie es im ERP-System ein. Es kann nicht noch einmal angezeigt werden: OrderDesk speichert nur einen Fingerabdruck davon. Geht es verloren, widerrufen Sie es und erstellen Sie ein neues.</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>In die Zwischenablage kopiert.</translation>
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
<context>
    <name>RulesDialog</name>
    <message>
        <source>Status rules</source>
        <translation>Statusregeln</translation>
    </message>
    <message>
        <source>When something happens to an order in OrderDesk, each switched-on rule of its channel queues a status for the marketplace. Check a rule with the preview before you switch it on.</source>
        <translation>Wenn in OrderDesk etwas mit einem Auftrag geschieht, stellt jede eingeschaltete Regel seines Kanals einen Status für den Marktplatz in die Warteschlange. Prüfen Sie eine Regel mit der Vorschau, bevor Sie sie einschalten.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>Auftrag:</translation>
    </message>
    <message>
        <source>Order number or #id</source>
        <translation>Auftragsnummer oder #ID</translation>
    </message>
    <message>
        <source>Package: tracking</source>
        <translation>Paket: Sendungsnummer</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Shipments are previewed as one package of every open line, with this tracking number (empty: it waits for one)</source>
        <translation>Versand wird als ein Paket mit allen offenen Positionen und dieser Sendungsnummer gezeigt (leer: er wartet auf eine)</translation>
    </message>
    <message>
        <source>return tracking (OTTO)</source>
        <translation>Retourensendungsnummer (OTTO)</translation>
    </message>
    <message>
        <source>Show &amp;preview</source>
        <translation>&amp;Vorschau zeigen</translation>
    </message>
    <message>
        <source>Choose an order and show the preview: for every rule of its channel, the calls that would be sent, with their JSON bodies.</source>
        <translation>Wählen Sie einen Auftrag und zeigen Sie die Vorschau: für jede Regel seines Kanals die Aufrufe, die gesendet würden, mit ihrem JSON-Inhalt.</translation>
    </message>
    <message>
        <source>&amp;Save rules</source>
        <translation>Regeln &amp;speichern</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) saved.</source>
        <translation>
            <numerusform>%n Regel gespeichert.</numerusform>
            <numerusform>%n Regeln gespeichert.</numerusform>
        </translation>
    </message>
    <message>
        <source>The rules were not saved: %1</source>
        <translation>Die Regeln wurden nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Enter an order number first.</source>
        <translation>Geben Sie zuerst eine Auftragsnummer ein.</translation>
    </message>
    <message>
        <source>Computing the calls…</source>
        <translation>Die Aufrufe werden berechnet…</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Keine Vorschau: %1</translation>
    </message>
    <message>
        <source>This channel has no status rules.</source>
        <translation>Dieser Kanal hat keine Statusregeln.</translation>
    </message>
    <message>
        <source>switched on</source>
        <translation>eingeschaltet</translation>
    </message>
    <message>
        <source>switched off</source>
        <translation>ausgeschaltet</translation>
    </message>
    <message>
        <source>Nothing can be sent: %1</source>
        <translation>Nichts kann gesendet werden: %1</translation>
    </message>
    <message>
        <source>No call: the marketplace already shows this.</source>
        <translation>Kein Aufruf: Der Marktplatz zeigt das bereits.</translation>
    </message>
    <message>
        <source>Unsaved rules</source>
        <translation>Ungespeicherte Regeln</translation>
    </message>
    <message>
        <source>Save the changed status rules?</source>
        <translation>Die geänderten Statusregeln speichern?</translation>
    </message>
</context>
<context>
    <name>RulesModel</name>
    <message>
        <source>When</source>
        <translation>Wenn</translation>
    </message>
    <message>
        <source>Status type</source>
        <translation>Statusart</translation>
    </message>
    <message>
        <source>Value sent</source>
        <translation>Gesendeter Wert</translation>
    </message>
    <message>
        <source>Switched on</source>
        <translation>Eingeschaltet</translation>
    </message>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Possible values: %1</source>
        <translation>Mögliche Werte: %1</translation>
    </message>
</context>
<context>
    <name>ServerAdministration</name>
    <message>
        <source>Jobs…</source>
        <translation>Jobs…</translation>
    </message>
    <message>
        <source>Automatic order fetching and status transmission on the application server (orderdesk serve): switch on, interval, last and next run</source>
        <translation>Automatischer Auftragsabruf und Statusübertragung auf dem Applikationsserver (orderdesk serve): einschalten, Intervall, letzter und nächster Lauf</translation>
    </message>
    <message>
        <source>API
tokens…</source>
        <translation>API-
Tokens…</translation>
    </message>
    <message>
        <source>Create and revoke the tokens with which ERP systems use the web service</source>
        <translation>Tokens erstellen und widerrufen, mit denen ERP-Systeme den Webservice nutzen</translation>
    </message>
    <message>
        <source>Application server</source>
        <translation>Applikationsserver</translation>
    </message>
</context>
<context>
    <name>ShipDialog</name>
    <message>
        <source>Ship order %1</source>
        <translation>Auftrag %1 versenden</translation>
    </message>
    <message>
        <source>Package %1 of this order</source>
        <translation>Paket %1 dieses Auftrags</translation>
    </message>
    <message>
        <source>Lines and pieces in this package:</source>
        <translation>Positionen und Stückzahlen in diesem Paket:</translation>
    </message>
    <message>
        <source>Ship</source>
        <translation>Versenden</translation>
    </message>
    <message>
        <source>Scan or type the parcel&apos;s tracking number</source>
        <translation>Sendungsnummer des Pakets scannen oder eingeben</translation>
    </message>
    <message>
        <source>&amp;Tracking number:</source>
        <translation>&amp;Sendungsnummer:</translation>
    </message>
    <message>
        <source>&amp;Carrier:</source>
        <translation>&amp;Versanddienstleister:</translation>
    </message>
    <message>
        <source>e.g. Österreichische Post</source>
        <translation>z. B. Österreichische Post</translation>
    </message>
    <message>
        <source>Carrier &amp;name:</source>
        <translation>&amp;Name des Dienstleisters:</translation>
    </message>
    <message>
        <source>The return label&apos;s tracking number</source>
        <translation>Sendungsnummer des Retourenscheins</translation>
    </message>
    <message>
        <source>No return label</source>
        <translation>Kein Retourenschein</translation>
    </message>
    <message>
        <source>&amp;Return tracking:</source>
        <translation>&amp;Retourensendungsnr.:</translation>
    </message>
    <message>
        <source>Return c&amp;arrier:</source>
        <translation>Retouren-&amp;Dienstleister:</translation>
    </message>
    <message>
        <source>Ship &amp;date:</source>
        <translation>Versand&amp;datum:</translation>
    </message>
    <message>
        <source>The number is right: send it although its check digit does not fit</source>
        <translation>Die Nummer stimmt: trotz unpassender Prüfziffer senden</translation>
    </message>
    <message>
        <source>&amp;Ship</source>
        <translation>&amp;Versenden</translation>
    </message>
    <message>
        <source>Shopware has no carrier field: the delivery&apos;s shipping method names the carrier. The tracking number goes to the delivery.</source>
        <translation>Shopware hat kein Feld für den Versanddienstleister: Die Versandart der Lieferung nennt ihn. Die Sendungsnummer kommt an die Lieferung.</translation>
    </message>
    <message>
        <source>Choose the carrier…</source>
        <translation>Versanddienstleister wählen…</translation>
    </message>
    <message>
        <source>%1 – check digit does not fit</source>
        <translation>%1 – Prüfziffer passt nicht</translation>
    </message>
    <message>
        <source>%1 – proposed</source>
        <translation>%1 – vorgeschlagen</translation>
    </message>
    <message>
        <source>%1 – also possible</source>
        <translation>%1 – ebenfalls möglich</translation>
    </message>
    <message>
        <source>return tracking number</source>
        <translation>Retourensendungsnummer</translation>
    </message>
    <message>
        <source>tracking number</source>
        <translation>Sendungsnummer</translation>
    </message>
    <message>
        <source>The check digit of the %1 does not fit the carrier&apos;s format: probably mistyped. Correct it, choose another carrier, or confirm below that the number is right.</source>
        <translation>Die Prüfziffer der %1 passt nicht zum Format des Dienstleisters: wahrscheinlich vertippt. Korrigieren Sie sie, wählen Sie einen anderen Dienstleister oder bestätigen Sie unten, dass die Nummer stimmt.</translation>
    </message>
    <message>
        <source>%1 needs the carrier: choose it.</source>
        <translation>%1 braucht den Versanddienstleister: Bitte wählen.</translation>
    </message>
    <message>
        <source>%1 has no value for this carrier; choose another one.</source>
        <translation>%1 kennt diesen Versanddienstleister nicht; wählen Sie einen anderen.</translation>
    </message>
    <message>
        <source>Enter the carrier&apos;s name: %1 needs it for “Other carrier”.</source>
        <translation>Geben Sie den Namen des Dienstleisters ein: %1 braucht ihn bei „Anderer Dienstleister“.</translation>
    </message>
    <message>
        <source>%1 needs the tracking number for this carrier.</source>
        <translation>%1 braucht für diesen Dienstleister die Sendungsnummer.</translation>
    </message>
    <message>
        <source>%1 needs the carrier together with the tracking number.</source>
        <translation>%1 braucht den Versanddienstleister zusammen mit der Sendungsnummer.</translation>
    </message>
    <message>
        <source>The tracking number must not contain a comma (%1 reads it as a list).</source>
        <translation>Die Sendungsnummer darf kein Komma enthalten (%1 liest sie als Liste).</translation>
    </message>
    <message>
        <source>Choose the return carrier: %1 accepts %2.</source>
        <translation>Wählen Sie den Retouren-Dienstleister: %1 nimmt %2.</translation>
    </message>
    <message>
        <source>%1 needs the return label&apos;s tracking number and carrier for parcels.</source>
        <translation>%1 braucht bei Paketen die Sendungsnummer und den Dienstleister des Retourenscheins.</translation>
    </message>
    <message>
        <source>Choose at least one piece for this package.</source>
        <translation>Wählen Sie mindestens ein Stück für dieses Paket.</translation>
    </message>
    <message>
        <source>Without a tracking number the status waits up to %1 h for one (add it later in the status queue: Add tracking…); then it is sent without one where the marketplace allows it.</source>
        <translation>Ohne Sendungsnummer wartet der Status bis zu %1 h auf eine (später in der Statuswarteschlange: Sendungsnummer nachtragen…); danach wird er ohne gesendet, wo der Marktplatz das erlaubt.</translation>
    </message>
    <message>
        <source>Ready to ship.</source>
        <translation>Bereit zum Versand.</translation>
    </message>
    <message>
        <source>%1: the check digit is correct.</source>
        <translation>%1: Die Prüfziffer stimmt.</translation>
    </message>
    <message>
        <source>Ready to ship; the check digit was confirmed by you.</source>
        <translation>Bereit zum Versand; die Prüfziffer haben Sie bestätigt.</translation>
    </message>
    <message>
        <source>Ready to ship with %1.</source>
        <translation>Bereit zum Versand mit %1.</translation>
    </message>
    <message>
        <source>The carrier cannot be told from this number: choose it.</source>
        <translation>Der Versanddienstleister lässt sich an dieser Nummer nicht erkennen: Bitte wählen.</translation>
    </message>
    <message>
        <source>Proposed from the tracking number: %1</source>
        <translation>Nach der Sendungsnummer vorgeschlagen: %1</translation>
    </message>
    <message>
        <source>Proposed from the tracking number as you type; you can always choose another.</source>
        <translation>Wird beim Tippen nach der Sendungsnummer vorgeschlagen; Sie können jederzeit einen anderen wählen.</translation>
    </message>
    <message>
        <source>OTTO needs the address parcels are shipped from: set it under Status &amp; Shipping › Settings.</source>
        <translation>OTTO braucht die Adresse, von der Pakete versandt werden: Legen Sie sie unter Status &amp; Versand › Einstellungen fest.</translation>
    </message>
    <message>
        <source>Recording…</source>
        <translation>Wird erfasst…</translation>
    </message>
    <message>
        <source>The package was not recorded: %1</source>
        <translation>Das Paket wurde nicht erfasst: %1</translation>
    </message>
</context>
<context>
    <name>StatusActions</name>
    <message>
        <source>Status queue</source>
        <translation>Statuswarteschlange</translation>
    </message>
    <message>
        <source>Ship…</source>
        <translation>Versenden…</translation>
    </message>
    <message>
        <source>Record a package of the selected order with tracking number and carrier; its status goes to the marketplace</source>
        <translation>Ein Paket des gewählten Auftrags mit Sendungsnummer und Versanddienstleister erfassen; sein Status geht an den Marktplatz</translation>
    </message>
    <message>
        <source>Cancel…</source>
        <translation>Stornieren…</translation>
    </message>
    <message>
        <source>Cancel lines of the selected order and tell the marketplace</source>
        <translation>Positionen des gewählten Auftrags stornieren und dem Marktplatz melden</translation>
    </message>
    <message>
        <source>Transmit status
protocols</source>
        <translation>Statusprotokolle
übertragen</translation>
    </message>
    <message>
        <source>Send the queued statuses to the marketplaces of the chosen channel and account (none chosen: all)</source>
        <translation>Die wartenden Status an die Marktplätze des gewählten Kanals und Kontos senden (nichts gewählt: alle)</translation>
    </message>
    <message>
        <source>Status
queue</source>
        <translation>Status-
warteschlange</translation>
    </message>
    <message>
        <source>Show every status protocol and its state; retry or discard failed ones</source>
        <translation>Jedes Statusprotokoll mit seinem Zustand zeigen; fehlgeschlagene erneut senden oder verwerfen</translation>
    </message>
    <message>
        <source>Status
rules…</source>
        <translation>Status-
regeln…</translation>
    </message>
    <message>
        <source>Which event sends which status to each marketplace, with a preview</source>
        <translation>Welches Ereignis welchen Status an jeden Marktplatz sendet, mit Vorschau</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Tracking wait, automatic transmission, OTTO ship-from address</source>
        <translation>Warten auf Sendungsnummer, automatische Übertragung, OTTO-Versandadresse</translation>
    </message>
    <message>
        <source>Transmit only this channel&apos;s status protocols</source>
        <translation>Nur die Statusprotokolle dieses Kanals übertragen</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>Transmit only this account&apos;s status protocols</source>
        <translation>Nur die Statusprotokolle dieses Kontos übertragen</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Kanal:</translation>
    </message>
    <message>
        <source>Account:</source>
        <translation>Konto:</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Transmission</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>Status protocols</source>
        <translation>Statusprotokolle</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation>Alle Konten</translation>
    </message>
    <message>
        <source>Select an order in the list first.</source>
        <translation>Wählen Sie zuerst einen Auftrag in der Liste.</translation>
    </message>
    <message>
        <source>Ship order</source>
        <translation>Auftrag versenden</translation>
    </message>
    <message>
        <source>Order %1 is still held by the marketplace (backlog). It can be shipped once the marketplace releases it.</source>
        <translation>Auftrag %1 wird noch vom Marktplatz zurückgehalten (Rückstand). Er kann versandt werden, sobald der Marktplatz ihn freigibt.</translation>
    </message>
    <message>
        <source>Every piece of order %1 is already shipped or cancelled.</source>
        <translation>Jedes Stück von Auftrag %1 ist bereits versandt oder storniert.</translation>
    </message>
    <message>
        <source>the marketplace&apos;s seller portal</source>
        <translation>dem Verkäuferportal des Marktplatzes</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>Auftrag stornieren</translation>
    </message>
    <message>
        <source>%1 takes no cancellation from the seller through its API, so OrderDesk cannot cancel order %2 there.

Cancel it in %3; the next fetch brings the cancellation into OrderDesk.</source>
        <translation>%1 nimmt über seine Schnittstelle keine Stornierung vom Verkäufer an, daher kann OrderDesk Auftrag %2 dort nicht stornieren.

Stornieren Sie ihn in %3; der nächste Abruf bringt die Stornierung nach OrderDesk.</translation>
    </message>
    <message>
        <source>Order %1 is still held by the marketplace (backlog); it cannot be cancelled before the marketplace releases it.</source>
        <translation>Auftrag %1 wird noch vom Marktplatz zurückgehalten (Rückstand); er kann erst storniert werden, wenn der Marktplatz ihn freigibt.</translation>
    </message>
    <message numerus="yes">
        <source>Package %1 of order %2 recorded; %n status protocol(s) queued.</source>
        <translation>
            <numerusform>Paket %1 von Auftrag %2 erfasst; %n Statusprotokoll wartet auf Übertragung.</numerusform>
            <numerusform>Paket %1 von Auftrag %2 erfasst; %n Statusprotokolle warten auf Übertragung.</numerusform>
        </translation>
    </message>
    <message>
        <source>They wait for the tracking number.</source>
        <translation>Sie warten auf die Sendungsnummer.</translation>
    </message>
    <message>
        <source>No switched-on status rule sends shipments to this channel.</source>
        <translation>Keine eingeschaltete Statusregel meldet Sendungen an diesen Kanal.</translation>
    </message>
    <message numerus="yes">
        <source>%n piece(s) of order %1 cancelled; %2 status protocol(s) queued.</source>
        <translation>
            <numerusform>%n Stück von Auftrag %1 storniert; %2 Statusprotokoll(e) warten auf Übertragung.</numerusform>
            <numerusform>%n Stück von Auftrag %1 storniert; %2 Statusprotokoll(e) warten auf Übertragung.</numerusform>
        </translation>
    </message>
    <message>
        <source>Status rules</source>
        <translation>Statusregeln</translation>
    </message>
    <message>
        <source>Status &amp; Shipping settings saved.</source>
        <translation>Einstellungen für Status &amp; Versand gespeichert.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Credentials not available</source>
        <translation>Zugangsdaten nicht verfügbar</translation>
    </message>
    <message>
        <source>The account credentials cannot be read, so nothing was sent.

%1</source>
        <translation>Die Zugangsdaten der Konten können nicht gelesen werden, daher wurde nichts gesendet.

%1</translation>
    </message>
    <message>
        <source>This transmission is already running.</source>
        <translation>Diese Übertragung läuft bereits.</translation>
    </message>
    <message>
        <source>all channels</source>
        <translation>alle Kanäle</translation>
    </message>
    <message>
        <source>Transmitting status protocols (%1)…</source>
        <translation>Statusprotokolle werden übertragen (%1)…</translation>
    </message>
    <message>
        <source>%1 sent (%2 confirmed, %3 not shown by the marketplace), %4 deferred, %5 failed</source>
        <translation>%1 gesendet (%2 bestätigt, %3 vom Marktplatz nicht angezeigt), %4 zurückgestellt, %5 fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>%n stopped waiting for tracking</source>
        <translation>
            <numerusform>%n wartet nicht mehr auf die Sendungsnummer</numerusform>
            <numerusform>%n warten nicht mehr auf die Sendungsnummer</numerusform>
        </translation>
    </message>
    <message>
        <source>see the log box</source>
        <translation>siehe Protokollbox</translation>
    </message>
    <message>
        <source>Status transmission (%1) failed: %2</source>
        <translation>Statusübertragung (%1) fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Status transmission (%1): %2</source>
        <translation>Statusübertragung (%1): %2</translation>
    </message>
    <message>
        <source>Automatic status transmission (%1) failed: %2</source>
        <translation>Automatische Statusübertragung (%1) fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Automatic status transmission (%1): %2</source>
        <translation>Automatische Statusübertragung (%1): %2</translation>
    </message>
</context>
<context>
    <name>StatusLabels</name>
    <message>
        <source>Shipment completed</source>
        <translation>Versand abgeschlossen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Invoice created</source>
        <translation>Rechnung erstellt</translation>
    </message>
    <message>
        <source>Payment settled</source>
        <translation>Zahlung ausgeglichen</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Retourniert</translation>
    </message>
    <message>
        <source>Fulfillment</source>
        <translation>Abwicklung</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Lieferung</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Zahlung</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Waiting for tracking</source>
        <translation>Wartet auf Sendungsnummer</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Wird gesendet</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Discarded</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>MISMATCH</source>
        <translation>ABWEICHUNG</translation>
    </message>
    <message>
        <source>not checked</source>
        <translation>nicht geprüft</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>jetzt fällig</translation>
    </message>
    <message>
        <source>waits until %1</source>
        <translation>wartet bis %1</translation>
    </message>
</context>
<context>
    <name>StatusQueueModel</name>
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
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Next try</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>Gesendet am</translation>
    </message>
    <message>
        <source>Read-back</source>
        <translation>Rückprüfung</translation>
    </message>
</context>
<context>
    <name>StatusQueueView</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Not yet sent</source>
        <translation>Noch nicht gesendet</translation>
    </message>
    <message>
        <source>All protocols</source>
        <translation>Alle Protokolle</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Waiting for tracking</source>
        <translation>Wartet auf Sendungsnummer</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Sent, not shown by the marketplace</source>
        <translation>Gesendet, vom Marktplatz nicht angezeigt</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Discarded</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Send the selected failed (or not shown) protocols again with the next transmission</source>
        <translation>Die gewählten fehlgeschlagenen (oder nicht angezeigten) Protokolle mit der nächsten Übertragung erneut senden</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>Verwerfen…</translation>
    </message>
    <message>
        <source>Do not send the selected protocols (handled in the marketplace&apos;s seller portal)</source>
        <translation>Die gewählten Protokolle nicht senden (im Verkäuferportal des Marktplatzes erledigt)</translation>
    </message>
    <message>
        <source>Add tracking…</source>
        <translation>Sendungsnummer nachtragen…</translation>
    </message>
    <message>
        <source>Give the selected package, which waits for it, its tracking number</source>
        <translation>Dem gewählten Paket, das darauf wartet, seine Sendungsnummer geben</translation>
    </message>
    <message>
        <source>Double-click a protocol to show its order.</source>
        <translation>Doppelklick auf ein Protokoll zeigt seinen Auftrag.</translation>
    </message>
    <message>
        <source>Could not read the status queue: %1</source>
        <translation>Die Statuswarteschlange konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n protocols</source>
        <translation>
            <numerusform>%n Protokoll</numerusform>
            <numerusform>%n Protokolle</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not shown by the marketplace</source>
        <translation>
            <numerusform>%n vom Marktplatz nicht angezeigt</numerusform>
            <numerusform>%n vom Marktplatz nicht angezeigt</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a protocol to see what it sends.</source>
        <translation>Wählen Sie ein Protokoll, um zu sehen, was es sendet.</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <source>Package %1: %2 %3</source>
        <translation>Paket %1: %2 %3</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>Lines: %1</source>
        <translation>Positionen: %1</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Read-back: %1</source>
        <translation>Rückprüfung: %1</translation>
    </message>
    <message>
        <source>Sent at %1</source>
        <translation>Gesendet am %1</translation>
    </message>
    <message>
        <source>Discard status protocols</source>
        <translation>Statusprotokolle verwerfen</translation>
    </message>
    <message numerus="yes">
        <source>Discard %n status protocol(s)? They will not be sent to the marketplace.

Do this only when the marketplace already shows the right status (set in its seller portal).</source>
        <translation>
            <numerusform>%n Statusprotokoll verwerfen? Es wird nicht an den Marktplatz gesendet.

Tun Sie das nur, wenn der Marktplatz schon den richtigen Status zeigt (im Verkäuferportal gesetzt).</numerusform>
            <numerusform>%n Statusprotokolle verwerfen? Sie werden nicht an den Marktplatz gesendet.

Tun Sie das nur, wenn der Marktplatz schon den richtigen Status zeigt (im Verkäuferportal gesetzt).</numerusform>
        </translation>
    </message>
    <message>
        <source>Status queue</source>
        <translation>Statuswarteschlange</translation>
    </message>
</context>
<context>
    <name>StatusSettingsDialog</name>
    <message>
        <source>Status &amp; Shipping settings</source>
        <translation>Einstellungen für Status &amp; Versand</translation>
    </message>
    <message>
        <source>Waiting for the tracking number</source>
        <translation>Warten auf die Sendungsnummer</translation>
    </message>
    <message>
        <source>A shipment without tracking number waits up to:</source>
        <translation>Eine Sendung ohne Sendungsnummer wartet bis zu:</translation>
    </message>
    <message>
        <source>Then its status is sent without a tracking number where the marketplace allows it, otherwise it is handed to you in the status queue.</source>
        <translation>Danach wird ihr Status ohne Sendungsnummer gesendet, wo der Marktplatz das erlaubt; sonst landet sie bei Ihnen in der Statuswarteschlange.</translation>
    </message>
    <message>
        <source>Automatic transmission</source>
        <translation>Automatische Übertragung</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>While the desk is open it transmits each switched-on channel at its interval; what queued up while a channel was off is sent when it is switched on.</source>
        <translation>Solange OrderDesk geöffnet ist, überträgt es jeden eingeschalteten Kanal in seinem Abstand; was sich bei ausgeschaltetem Kanal angesammelt hat, wird beim Einschalten gesendet.</translation>
    </message>
    <message>
        <source>OTTO: parcels are shipped from</source>
        <translation>OTTO: Pakete werden versandt ab</translation>
    </message>
    <message>
        <source>City:</source>
        <translation>Ort:</translation>
    </message>
    <message>
        <source>Postcode:</source>
        <translation>Postleitzahl:</translation>
    </message>
    <message>
        <source>Country (3 letters, e.g. DEU):</source>
        <translation>Land (3 Buchstaben, z. B. DEU):</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Fill in city, postcode and country of the ship-from address, or leave all three empty.</source>
        <translation>Füllen Sie Ort, Postleitzahl und Land der Versandadresse aus, oder lassen Sie alle drei leer.</translation>
    </message>
    <message>
        <source>The country needs its three-letter code (ISO 3166 alpha-3), e.g. DEU for Germany.</source>
        <translation>Das Land braucht seinen Drei-Buchstaben-Code (ISO 3166 Alpha-3), z. B. DEU für Deutschland.</translation>
    </message>
    <message>
        <source>The settings were not saved: %1</source>
        <translation>Die Einstellungen wurden nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>TrackingDialog</name>
    <message>
        <source>Add tracking number</source>
        <translation>Sendungsnummer nachtragen</translation>
    </message>
    <message>
        <source>Package %1 of order %2</source>
        <translation>Paket %1 von Auftrag %2</translation>
    </message>
    <message>
        <source>&amp;Tracking number:</source>
        <translation>&amp;Sendungsnummer:</translation>
    </message>
    <message>
        <source>As recorded, or proposed from the number</source>
        <translation>Wie erfasst oder nach der Nummer vorgeschlagen</translation>
    </message>
    <message>
        <source>&amp;Carrier:</source>
        <translation>&amp;Versanddienstleister:</translation>
    </message>
    <message>
        <source>&amp;Return tracking:</source>
        <translation>&amp;Retourensendungsnr.:</translation>
    </message>
    <message>
        <source>Return ca&amp;rrier:</source>
        <translation>Retouren-Versand&amp;dienstleister:</translation>
    </message>
    <message>
        <source>The number is right: send it although its check digit does not fit</source>
        <translation>Die Nummer stimmt: trotz unpassender Prüfziffer senden</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Nachtragen</translation>
    </message>
    <message>
        <source>The check digit does not fit the carrier&apos;s format: probably mistyped.</source>
        <translation>Die Prüfziffer passt nicht zum Format des Dienstleisters: wahrscheinlich vertippt.</translation>
    </message>
    <message>
        <source>Proposed from the tracking number: %1</source>
        <translation>Nach der Sendungsnummer vorgeschlagen: %1</translation>
    </message>
    <message>
        <source>The tracking number was not added: %1</source>
        <translation>Die Sendungsnummer wurde nicht nachgetragen: %1</translation>
    </message>
</context>
</TS>

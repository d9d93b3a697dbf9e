; Inno Setup 6 definition of the OrderDesk installer for Windows (x64).
; Saved as UTF-8 with BOM, so that Inno Setup reads the German texts as UTF-8.
;
; Built by installer/build.py --package, which passes the values below, e.g.:
;   ISCC /DAppVersion=0.1.0 /DBundleDir=dist\orderdesk /DPackageDir=dist /DIconFile=build\staging\orderdesk.ico orderdesk.iss
;
; Installs per user by default (no administrator rights; the setup offers "for all users" too).
; An update installs over the older version in the same folder: same AppId, the old program files
; are replaced, and the user's data (database, settings, logs in %LOCALAPPDATA%\OrderDesk,
; credentials in the Windows Credential Locker) is never touched, neither by updates nor by
; uninstalling. The app migrates its database on the first start of the new version.

#ifndef AppVersion
  #error AppVersion is not defined: build with installer/build.py --package
#endif
#ifndef BundleDir
  #error BundleDir (the PyInstaller one-folder bundle) is not defined: build with installer/build.py --package
#endif
#ifndef PackageDir
  #define PackageDir "."
#endif
#ifndef IconFile
  #error IconFile is not defined: build with installer/build.py --package
#endif

[Setup]
; Never change the AppId: it is how a newer setup finds and replaces an installed OrderDesk.
AppId={{6F0B7C2A-4E1D-4B8F-9C35-0D2A7E51B9C4}
AppName=OrderDesk
AppVersion={#AppVersion}
AppVerName=OrderDesk {#AppVersion}
AppPublisher=OrderDesk
DefaultDirName={autopf}\OrderDesk
DefaultGroupName=OrderDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#PackageDir}
OutputBaseFilename=OrderDesk-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\orderdesk.exe
UninstallDisplayName=OrderDesk
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; A running OrderDesk keeps its files open; the setup asks to close it first.
CloseApplications=yes
RestartApplications=no
ChangesEnvironment=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "de"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
en.AddToPath=Add the orderdesk command to PATH (for scripts and scheduled fetches)
de.AddToPath=Den Befehl orderdesk zu PATH hinzufügen (für Skripte und geplante Abrufe)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "{cm:AddToPath}"; Flags: unchecked

[InstallDelete]
; The bundle's libraries change between versions; none of an older version may stay behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\OrderDesk"; Filename: "{app}\orderdesk.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\OrderDesk"; Filename: "{app}\orderdesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; PATH of the user (per-user install) or of the machine (install for all users).
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Tasks: addtopath; Check: not IsAdminInstallMode and NeedsAddPath('{app}')
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
    ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Tasks: addtopath; Check: IsAdminInstallMode and NeedsAddPath('{app}')

[Run]
Filename: "{app}\orderdesk.exe"; Description: "{cm:LaunchProgram,OrderDesk}"; Flags: nowait postinstall skipifsilent

[Code]
function PathKey(var Root: Integer; var Subkey: String): Boolean;
begin
  if IsAdminInstallMode then begin
    Root := HKEY_LOCAL_MACHINE;
    Subkey := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';
  end else begin
    Root := HKEY_CURRENT_USER;
    Subkey := 'Environment';
  end;
  Result := True;
end;

{ True when Dir ('{app}': Check parameters are not expanded) is not yet an entry of the PATH
  the install writes to. }
function NeedsAddPath(Dir: String): Boolean;
var
  Root: Integer;
  Subkey, Path: String;
begin
  Dir := ExpandConstant(Dir);
  PathKey(Root, Subkey);
  if not RegQueryStringValue(Root, Subkey, 'Path', Path) then begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

{ Uninstalling takes the folder out of PATH again (an update keeps it). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Root, P: Integer;
  Subkey, Path, Dir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  PathKey(Root, Subkey);
  if not RegQueryStringValue(Root, Subkey, 'Path', Path) then
    exit;
  Dir := ExpandConstant('{app}');
  Path := ';' + Path + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Path));
  if P = 0 then
    exit;
  Delete(Path, P, Length(Dir) + 1);
  Path := Copy(Path, 2, Length(Path) - 2);
  RegWriteExpandStringValue(Root, Subkey, 'Path', Path);
end;

"""The account: the sandbox, or a DialogTech account with an access key pair or a public key."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from console.account import (
    KEY,
    KEYPAIR,
    AccountDetails,
    AccountInputError,
    checked_certificate,
    describe_certificate,
    normalised_api_url,
)
from console.credentials import Credentials
from console.engine import Engine
from ui.account.team import TeamSection
from ui.common.errors import ask, show_error
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.widgets import save_cancel_buttons

log = logging.getLogger(__name__)
CERTIFICATE_FILES = "certificates"  # the kind of file whose folder is remembered


class AccountDialog(QDialog):
    """Non-modal. Secrets go to the keyring off the UI thread; ``applied`` says it is done."""

    applied = Signal()
    team_changed = Signal()  # the desktop joined or left a team server (the Team section)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Account"))
        self.setMinimumWidth(520)
        # The certificate file trusted besides the usual authorities, as chosen here ("" none).
        self._trusted_ca: str = engine.account.state().trusted_ca
        self._build()
        self._load()

    def _radio(self, text: str, tip: str) -> QRadioButton:
        button = QRadioButton(text, self)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        return button

    def _field(self, name: str, tip: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _build(self) -> None:
        self.sandbox_radio = self._radio(
            self.tr("&Sandbox (no real calls)"),
            self.tr("Calls go to a simulator on this computer; nothing rings"),
        )
        self.account_radio = self._radio(
            self.tr("&DialogTech account"), self.tr("Real calls, with your account's credentials")
        )
        mode_group = QButtonGroup(self)
        mode_group.addButton(self.sandbox_radio)
        mode_group.addButton(self.account_radio)
        self.account_box = QGroupBox(self.tr("DialogTech account"), self)
        self.keypair_radio = self._radio(
            self.tr("Access &key pair"), self.tr("access_key with secret_access_key: full access")
        )
        self.key_radio = self._radio(
            self.tr("&Public key"), self.tr("A public key with limited access (key)")
        )
        auth_group = QButtonGroup(self)
        auth_group.addButton(self.keypair_radio)
        auth_group.addButton(self.key_radio)
        self.label_edit = self._field(self.tr("Label"), self.tr("A name for this account"))
        self.access_key_edit = self._field(
            self.tr("Access key"), self.tr("The account's access_key"), secret=True
        )
        self.secret_edit = self._field(
            self.tr("Secret access key"), self.tr("The account's secret_access_key"), secret=True
        )
        self.key_edit = self._field(self.tr("Public key"), self.tr("The public key"), secret=True)
        hint = self.tr("leave empty to keep the stored one")
        for edit in (self.key_edit, self.access_key_edit, self.secret_edit):
            edit.setPlaceholderText(hint)
        self.url_edit = self._field(
            self.tr("API URL"), self.tr("The endpoint; change it only for a staging service")
        )
        self.url_check = QLabel(self)
        self.url_check.setWordWrap(True)
        self.url_check.setAccessibleName(self.tr("API URL check"))
        self.cert_label = QLabel(self)
        self.cert_label.setWordWrap(True)
        self.cert_label.setAccessibleName(self.tr("Trusted certificate"))
        self.cert_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.trust_button = QPushButton(self.tr("&Trust a certificate…"), self)
        self.trust_button.setAccessibleName(self.tr("Trust a certificate"))
        self.trust_button.setToolTip(
            self.tr(
                "Choose a certificate file (PEM) to trust besides the usual authorities, "
                "such as a staging server's self-signed one"
            )
        )
        self.trust_button.clicked.connect(self.choose_certificate)
        self.untrust_button = QPushButton(self.tr("Usual authorities &only"), self)
        self.untrust_button.setAccessibleName(self.tr("Stop trusting the certificate"))
        self.untrust_button.setToolTip(
            self.tr("Trust only the usual certificate authorities again")
        )
        self.untrust_button.clicked.connect(self.untrust_certificate)
        cert_buttons = QHBoxLayout()
        cert_buttons.addWidget(self.trust_button)
        cert_buttons.addWidget(self.untrust_button)
        cert_buttons.addStretch(1)
        form = QFormLayout(self.account_box)
        form.addRow(self.keypair_radio, self.key_radio)
        form.addRow(self.tr("&Label:"), self.label_edit)
        form.addRow(self.tr("&Access key:"), self.access_key_edit)
        form.addRow(self.tr("S&ecret access key:"), self.secret_edit)
        form.addRow(self.tr("Public ke&y:"), self.key_edit)
        form.addRow(self.tr("API &URL:"), self.url_edit)
        form.addRow("", self.url_check)
        form.addRow(self.tr("Certificates:"), self.cert_label)
        form.addRow("", cert_buttons)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setAccessibleName(self.tr("Where secrets are stored"))
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.forget_button = QPushButton(self.tr("&Forget stored credentials…"), self)
        self.forget_button.setAccessibleName(self.tr("Forget stored credentials"))
        self.forget_button.setToolTip(
            self.tr("Delete the credentials stored for this account (asks first)")
        )
        self.forget_button.clicked.connect(self.forget)
        stored = QHBoxLayout()
        stored.addWidget(self.where, 1)
        stored.addWidget(self.forget_button)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Account problem"))
        self.buttons = save_cancel_buttons(
            self, self.tr("Store the account and use it"), self.tr("Close without changes")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.sandbox_radio)
        layout.addWidget(self.account_radio)
        layout.addWidget(self.account_box)
        layout.addLayout(stored)
        self.team_section = TeamSection(self.engine, self)
        self.team_section.changed.connect(self.team_changed)
        # Its reads may end after the dialog is gone (closed, then deleted): cancelled first.
        self.finished.connect(lambda _r: self.team_section.tasks.cancel_now())
        layout.addWidget(self.team_section)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.account_radio.toggled.connect(self._update)
        self.key_radio.toggled.connect(self._update)
        self.url_edit.textChanged.connect(self._update)
        state = self.engine.account.state()
        self.label_edit.setText(state.label)
        self.url_edit.setText(state.api_url)

    def _load(self) -> None:
        state = self.engine.account.state()
        (self.sandbox_radio if state.sandbox else self.account_radio).setChecked(True)
        (self.key_radio if state.auth == KEY else self.keypair_radio).setChecked(True)
        vault = self.engine.vault
        text = self.tr("Secrets are stored in: {0}.").format(vault.location)
        if vault.warning:
            text += " ⚠ " + self.tr("Note: {0}.").format(vault.warning)
        self.where.setText(text)
        self._update()
        self._show_trust()  # reads the certificate file: only here and when trust changes

    def _update(self) -> None:
        account = self.account_radio.isChecked()
        self.account_box.setEnabled(account)
        key = self.key_radio.isChecked()
        self.key_edit.setEnabled(account and key)
        self.access_key_edit.setEnabled(account and not key)
        self.secret_edit.setEnabled(account and not key)
        try:
            normalised_api_url(self.url_edit.text())
        except AccountInputError as exc:
            self.url_check.setText("⚠ " + str(exc))
        else:
            self.url_check.setText("✓ " + self.tr("a valid API URL"))

    def _show_trust(self) -> None:
        trusted = describe_certificate(self._trusted_ca)
        self.untrust_button.setEnabled(trusted is not None)
        if trusted is None:
            self.cert_label.setText(self.tr("The usual certificate authorities only."))
            return
        if trusted.fingerprint is None:
            fingerprint = self.tr("cannot be read: {0}").format(trusted.problem)
        else:
            fingerprint = self.tr("SHA-256 {0}").format(trusted.fingerprint)
        self.cert_label.setText(
            "⚠ "
            + self.tr(
                "A custom certificate is trusted besides the usual authorities: {0} ({1})."
            ).format(trusted.path, fingerprint)
        )

    def choose_certificate(self) -> QFileDialog:
        """Ask for the certificate file to trust (non-modal)."""
        dialog = file_dialog(
            self,
            Folders(self.engine.settings),
            CERTIFICATE_FILES,
            self.tr("Trust a certificate"),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        dialog.fileSelected.connect(self.trust_certificate)
        dialog.open()
        return dialog

    def trust_certificate(self, path: str) -> bool:
        """Trust ``path`` once the account is saved; False (and why) when it is no certificate."""
        try:
            self._trusted_ca = checked_certificate(path)
        except AccountInputError as exc:
            self.problem.setText("⚠ " + exc.sentence())
            return False
        self.problem.clear()
        self._show_trust()
        return True

    def untrust_certificate(self) -> None:
        self._trusted_ca = ""
        self._show_trust()

    def forget(self) -> QMessageBox:
        """Ask, then delete the stored credentials; the other settings stay as they are."""
        return ask(
            self,
            self.tr("Forget stored credentials"),
            self.tr("Delete the credentials stored in {0}?").format(self.engine.vault.location),
            self._forget,
            yes=self.tr("Delete"),
            no=self.tr("Keep"),
            informative=self.tr("Calls with this account need them entered again."),
        )

    @asyncSlot()
    async def _forget(self) -> None:
        self.forget_button.setEnabled(False)
        try:
            await self.engine.account.forget()
        except Exception as exc:
            show_error(self.tr("Credentials not deleted"), exc, self)
            return
        finally:
            self.forget_button.setEnabled(True)
        self.problem.setText(
            self.tr("The stored credentials were deleted from {0}.").format(
                self.engine.vault.location
            )
        )

    def credentials(self) -> Credentials | None:
        """The credentials typed in, or None when all the secret fields are empty."""
        if self.key_radio.isChecked():
            key = self.key_edit.text()
            return Credentials(key=key) if key.strip() else None
        access, secret = self.access_key_edit.text(), self.secret_edit.text()
        if not access.strip() and not secret.strip():
            return None
        return Credentials(access_key=access, secret_access_key=secret)

    @asyncSlot()
    async def save(self) -> None:
        """Store the secrets (off the UI thread), the settings, then apply the account."""
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save_button.setEnabled(False)
        try:
            await self._save()
        except Exception as exc:
            show_error(self.tr("Account not saved"), exc, self)
        finally:
            save_button.setEnabled(True)

    async def _save(self) -> None:
        account, vault = self.engine.account, self.engine.vault
        self.problem.clear()
        label, trusted_ca = self.label_edit.text(), self._trusted_ca
        try:
            if self.sandbox_radio.isChecked():
                # The API URL is the account's: choosing the sandbox leaves it as it was.
                await account.use_sandbox(AccountDetails(label, trusted_ca=trusted_ca))
            else:
                auth = KEY if self.key_radio.isChecked() else KEYPAIR
                details = AccountDetails(label, self.url_edit.text(), trusted_ca)
                await account.use_account(auth, self.credentials(), details)
        except AccountInputError as exc:
            self.problem.setText("⚠ " + exc.sentence())
            return
        await self.engine.apply_account()
        for edit in (self.key_edit, self.access_key_edit, self.secret_edit):
            edit.clear()
        self.applied.emit()
        if vault.in_memory and not self.engine.uses_sandbox:
            # Say it where the person is looking; the status bar repeats it.
            self.problem.setText(
                "⚠ " + self.tr("Saved for this run only: {0}.").format(vault.warning)
            )
            return
        self.accept()

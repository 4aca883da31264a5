// SPDX-License-Identifier: Apache-2.0
#include "views/logindialog.h"

#include "secrets/credentialcheck.h"
#include "secrets/credentialhelper.h"
#include "secrets/credentialstore.h"
#include "secrets/dockerconfig.h"
#include "secrets/registryauth.h"
#include "secrets/registrycredential.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

LoginDialog::LoginDialog(const QString &registry, QWidget *parent)
    : QDialog(parent), m_registry(new QLineEdit(registry, this)), m_username(new QLineEdit(this)),
      m_password(new QLineEdit(this)), m_message(new QLabel(this)), m_busy(new QProgressBar(this)),
      m_busyText(new QLabel(this)), m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this)),
      m_store(new QComboBox(this))
{
    setWindowTitle(tr("Log In to Registry"));
    m_registry->setPlaceholderText(tr("docker.io or host:port"));
    m_username->setPlaceholderText(tr("user name"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_registry->setObjectName(QStringLiteral("registry"));
    m_username->setObjectName(QStringLiteral("username"));
    m_password->setObjectName(QStringLiteral("password"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Registry:"), m_registry);
    form->addRow(tr("&User name:"), m_username);
    form->addRow(tr("&Password:"), m_password);
    m_store->setObjectName(QStringLiteral("store"));
    form->addRow(tr("&Keep in:"), m_store);

    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->hide();

    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    auto *busyRow = new QHBoxLayout;
    busyRow->addWidget(m_busy, 1);
    busyRow->addWidget(m_busyText);
    m_busy->hide();
    m_busyText->hide();

    auto *note = new QLabel(tr("The credentials are checked against the registry, then kept in the system keychain "
                               "or in the Docker credential helper that config.json names, never in a file."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false);

    m_login = m_buttons->addButton(tr("&Log In"), QDialogButtonBox::AcceptRole);
    m_login->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::logIn);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_registry, m_username, m_password})
        connect(edit, &QLineEdit::textChanged, this, &LoginDialog::updateButton);
    connect(m_registry, &QLineEdit::textChanged, this, &LoginDialog::updateStores);
    updateStores();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_message);
    layout->addLayout(busyRow);
    layout->addStretch();
    layout->addWidget(m_buttons);
    setMinimumWidth(440);
    updateButton();
    (registry.isEmpty() ? m_registry : m_username)->setFocus();
}

LoginDialog::~LoginDialog()
{
    wipeBytes(m_secret);
}

QString LoginDialog::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

bool LoginDialog::isBusy() const
{
    return !m_busy->isHidden();
}

void LoginDialog::updateButton()
{
    m_login->setEnabled(!isBusy() && !m_registry->text().trimmed().isEmpty() &&
                        !m_username->text().trimmed().isEmpty() && !m_password->text().isEmpty());
}

/** The keychain always; the Docker credential helper when config.json names one for the registry as typed. */
void LoginDialog::updateStores()
{
    const QString chosen = m_store->currentData().toString();
    const QString host = CredentialStore::normalizeRegistry(m_registry->text());
    const DockerConfig docker = DockerConfig::load();
    const QString helper = host.isEmpty() || !docker.error().isEmpty() ? QString() : docker.helperFor(host);
    m_store->clear();
    m_store->addItem(QIcon::fromTheme(QStringLiteral("dialog-password")), tr("System keychain"),
                     QStringLiteral("keychain"));
    if (!helper.isEmpty()) {
        m_store->addItem(QIcon::fromTheme(QStringLiteral("application-x-executable")),
                         tr("Docker credential helper (docker-credential-%1)").arg(helper), QStringLiteral("docker"));
        m_store->setItemData(1, docker.whereHelperIsNamed(host), Qt::ToolTipRole);
    }
    m_store->setToolTip(helper.isEmpty() ? tr("%1 names no credential helper for this registry").arg(docker.path())
                                         : QString());
    m_store->setCurrentIndex(qMax(0, m_store->findData(chosen)));
}

void LoginDialog::setBusy(bool busy, const QString &what)
{
    m_busy->setVisible(busy);
    m_busyText->setText(what);
    m_busyText->setVisible(busy);
    for (QLineEdit *edit : {m_registry, m_username, m_password})
        edit->setReadOnly(busy);
    m_store->setEnabled(!busy);
    updateButton();
}

void LoginDialog::showError(const QString &text)
{
    m_message->setText(text);
    m_message->show();
}

void LoginDialog::logIn()
{
    if (isBusy())
        return;
    m_host = CredentialStore::normalizeRegistry(m_registry->text());
    if (m_host.isEmpty()) {
        showError(tr("'%1' is not a registry host (e.g. docker.io, 127.0.0.1:5000).").arg(m_registry->text()));
        m_registry->setFocus();
        return;
    }
    m_user = m_username->text().trimmed();
    wipeBytes(m_secret);
    m_secret = m_password->text().toUtf8();
    m_message->hide();
    setBusy(true, tr("Checking with %1…").arg(m_host));

    // The check blocks on the network: a worker thread runs it with its own copy of the password.
    auto *watcher = new QFutureWatcher<CredentialCheck>(this);
    connect(watcher, &QFutureWatcher<CredentialCheck>::finished, this, [this, watcher] {
        watcher->deleteLater();
        onChecked(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([host = m_host, user = m_user, secret = m_secret]() mutable {
        CredentialCheck check = verifyCredentials(host, user, secret);
        wipeBytes(secret);
        return check;
    }));
}

void LoginDialog::onChecked(const CredentialCheck &check)
{
    // A registry that asks for no login checks nothing; the credentials are kept for one that asks on push.
    if (check.status != CredentialCheck::Ok && check.status != CredentialCheck::NotChecked) {
        wipeBytes(m_secret);
        setBusy(false);
        showError(check.message);
        if (check.status == CredentialCheck::Unauthorized) {
            m_password->selectAll();
            m_password->setFocus();
        }
        return;
    }
    RegistryCredential credential{m_host, m_user, m_secret};
    wipeBytes(m_secret);
    if (m_store->currentData().toString() == QLatin1String("docker"))
        keepInHelper(credential);
    else
        keepInKeychain(credential);
}

void LoginDialog::keepInKeychain(RegistryCredential &credential)
{
    setBusy(true, tr("Saving to the keychain…"));
    CredentialRequest *request = CredentialStore::write(credential, this);
    credential.wipe();
    connect(request, &CredentialRequest::finished, this, [this, request] {
        request->deleteLater();
        kept(request->result().ok(), request->result().message);
    });
}

/** Through the helper's `store`, as `mrc login --store docker` does: the secret goes on its stdin only. */
void LoginDialog::keepInHelper(RegistryCredential &credential)
{
    const DockerConfig docker = DockerConfig::load();
    const QString helper = docker.error().isEmpty() ? docker.helperFor(m_host) : QString();
    if (helper.isEmpty()) {
        credential.wipe();
        setBusy(false);
        showError(docker.error().isEmpty()
                      ? tr("%1 no longer names a credential helper for %2.").arg(docker.path(), m_host)
                      : docker.error());
        return;
    }
    if (const QString missing = CredentialHelper::missingMessage(helper, docker.whereHelperIsNamed(m_host));
        !missing.isEmpty()) {
        credential.wipe();
        setBusy(false);
        showError(missing);
        return;
    }
    setBusy(true, tr("Saving with docker-credential-%1…").arg(helper));
    auto *call = new CredentialHelper(helper, this);
    call->setOrigin(docker.whereHelperIsNamed(m_host));
    connect(call, &CredentialHelper::finished, this, [this, call] {
        call->deleteLater();
        kept(call->result().ok(), call->result().message);
    });
    call->store(RegistryAuth::serverAddress(m_host), credential.username, credential.password);
    credential.wipe();
}

void LoginDialog::kept(bool ok, const QString &why)
{
    setBusy(false);
    if (!ok) {
        showError(tr("%1 accepted the credentials, but they could not be kept: %2").arg(m_host, why));
        return;
    }
    m_password->clear();
    Q_EMIT loggedIn(m_host, m_user);
    accept();
}

} // namespace mrc

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mrc {

struct CredentialCheck;
struct RegistryCredential;

/** Logs in to a registry: checks the user name and password against it off the GUI thread, shows a refusal
 *  inline, and on success keeps them in the OS keychain (CredentialStore) or, when chosen, in the Docker credential
 *  helper that config.json names for the registry (what an unattended `mrc watch` reads), then accepts. The same
 *  core calls as `mrc login [--store docker]`. */
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    explicit LoginDialog(const QString &registry, QWidget *parent = nullptr);
    ~LoginDialog() override;

    QLineEdit *registryEdit() const { return m_registry; }
    QLineEdit *usernameEdit() const { return m_username; }
    QLineEdit *passwordEdit() const { return m_password; }
    QPushButton *loginButton() const { return m_login; }
    /** Where the credentials go: "keychain", or "docker" for the credential helper (offered only when config.json
     *  names one for the registry). */
    QComboBox *storeBox() const { return m_store; }
    /** The inline message: a refusal, an unreachable registry or keychain. Empty while nothing went wrong. */
    QString message() const;
    bool isBusy() const;

Q_SIGNALS:
    /** The registry accepted the credentials and the keychain (or the credential helper) holds them. */
    void loggedIn(const QString &registry, const QString &username);

private:
    void logIn();
    void onChecked(const CredentialCheck &check);
    void setBusy(bool busy, const QString &what = {});
    void showError(const QString &text);
    void updateButton();
    void updateStores();
    void keepInKeychain(RegistryCredential &credential);
    void keepInHelper(RegistryCredential &credential);
    void kept(bool ok, const QString &why);

    QLineEdit *m_registry;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QLabel *m_message;
    QProgressBar *m_busy;
    QLabel *m_busyText;
    QDialogButtonBox *m_buttons;
    QPushButton *m_login;
    QComboBox *m_store;
    QString m_host;
    QString m_user;
    QByteArray m_secret; // held only between the check and the keychain write
};

} // namespace mrc

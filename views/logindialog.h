// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mrc {

struct CredentialCheck;

/** Logs in to a registry: checks the user name and password against it off the GUI thread, shows a refusal
 *  inline, and on success keeps them in the OS keychain (CredentialStore), then accepts. The same core calls as
 *  `mrc login`. */
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
    /** The inline message: a refusal, an unreachable registry or keychain. Empty while nothing went wrong. */
    QString message() const;
    bool isBusy() const;

Q_SIGNALS:
    /** The registry accepted the credentials and the keychain holds them. */
    void loggedIn(const QString &registry, const QString &username);

private:
    void logIn();
    void onChecked(const CredentialCheck &check);
    void setBusy(bool busy, const QString &what = {});
    void showError(const QString &text);
    void updateButton();

    QLineEdit *m_registry;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QLabel *m_message;
    QProgressBar *m_busy;
    QLabel *m_busyText;
    QDialogButtonBox *m_buttons;
    QPushButton *m_login;
    QString m_host;
    QString m_user;
    QByteArray m_secret; // held only between the check and the keychain write
};

} // namespace mrc

// SPDX-License-Identifier: Apache-2.0
// The login dialog on the real registry and keychain: a wrong password shows the registry's refusal inline and
// stores nothing; the right one is stored and closes the dialog. Saves a screenshot of the refusal.
#include "secrets/credentialstore.h"
#include "views/logindialog.h"
#include "views/mainwindow.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace mrc;

namespace {

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents();
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

} // namespace

class TestLoginDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void loginNeedsEveryField();
    void wrongPasswordShowsTheRefusalInline();
    void rightPasswordIsStored();
    void fileMenuOpensTheDialog();

private:
    QString m_registry;
    QString m_user;
    QByteArray m_password;
};

void TestLoginDialog::initTestCase()
{
    const QByteArray bus = qgetenv("MRC_TEST_DBUS_ADDRESS");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    if (bus.isEmpty() || m_registry.isEmpty() || m_password.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DBUS_ADDRESS / MRC_TEST_REGISTRY* are not set: scripts/test starts the keyring and the "
                  "registry and sets them");
        QSKIP("no private keyring or registry: run through scripts/test");
    }
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    // The same registry under another name, so this test's keychain entry never meets tst_credentials' one when
    // ctest runs them side by side.
    m_registry.replace(QLatin1String("127.0.0.1"), QLatin1String("localhost"));
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    const CredentialResult cleared = CredentialStore::removeNow(m_registry);
    QVERIFY2(cleared.ok(), qPrintable(cleared.message));
}

void TestLoginDialog::cleanupTestCase()
{
    if (!m_password.isEmpty())
        CredentialStore::removeNow(m_registry);
}

void TestLoginDialog::loginNeedsEveryField()
{
    LoginDialog dialog(m_registry);
    dialog.show();
    QCOMPARE(dialog.registryEdit()->text(), m_registry);
    QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);
    QVERIFY(!dialog.loginButton()->isEnabled());
    dialog.usernameEdit()->setText(m_user);
    QVERIFY(!dialog.loginButton()->isEnabled());
    dialog.passwordEdit()->setText(QStringLiteral("x"));
    QVERIFY(dialog.loginButton()->isEnabled());
    dialog.registryEdit()->clear();
    QVERIFY(!dialog.loginButton()->isEnabled());
}

void TestLoginDialog::wrongPasswordShowsTheRefusalInline()
{
    LoginDialog dialog(m_registry);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy loggedIn(&dialog, &LoginDialog::loggedIn);
    dialog.usernameEdit()->setText(m_user);
    QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("not-the-password"));
    QTest::mouseClick(dialog.loginButton(), Qt::LeftButton);
    QVERIFY(dialog.isBusy()); // the check runs on a worker thread; the dialog stays responsive
    QVERIFY(!dialog.loginButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 20000);

    QVERIFY2(dialog.message().contains(QLatin1String("401")) && dialog.message().contains(m_registry),
             qPrintable(dialog.message()));
    QVERIFY(!dialog.message().contains(QLatin1String("not-the-password")));
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(loggedIn.count(), 0);
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
    saveScreenshot(&dialog, QStringLiteral("logindialog-refused"));
}

void TestLoginDialog::rightPasswordIsStored()
{
    LoginDialog dialog(m_registry);
    dialog.show();
    QSignalSpy loggedIn(&dialog, &LoginDialog::loggedIn);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.usernameEdit()->setText(m_user);
    dialog.passwordEdit()->setText(QString::fromUtf8(m_password));
    QTest::mouseClick(dialog.loginButton(), Qt::LeftButton);
    QVERIFY(accepted.wait(20000));
    QCOMPARE(loggedIn.count(), 1);
    QCOMPARE(loggedIn.first().at(0).toString(), m_registry);
    QVERIFY(dialog.passwordEdit()->text().isEmpty());

    CredentialResult held = CredentialStore::readNow(m_registry);
    QVERIFY2(held.ok(), qPrintable(held.message));
    QCOMPARE(held.credential.username, m_user);
    QCOMPARE(held.credential.password, m_password);
    held.credential.wipe();
}

void TestLoginDialog::fileMenuOpensTheDialog()
{
    Workspace workspace;
    MainWindow window(&workspace);
    window.show();
    auto *action = window.findChild<QAction *>(QStringLiteral("loginAction"));
    QVERIFY(action);
    QVERIFY(action->text().contains(QLatin1String("Log In to Registry")));
    action->trigger();
    auto *dialog = window.findChild<LoginDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->isModal() || dialog->windowModality() != Qt::NonModal);
    // Without a manifest the console's registry is the built-in default, Docker Hub.
    QCOMPARE(dialog->registryEdit()->text(), workspace.manifest().registry.host);
    dialog->reject();
}

QTEST_MAIN(TestLoginDialog)
#include "tst_logindialog.moc"

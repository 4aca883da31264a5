// SPDX-License-Identifier: Apache-2.0
// The login dialog on the real registry and keychain: a wrong password shows the registry's refusal inline and
// stores nothing; the right one is stored and closes the dialog; with a config.json that names
// docker-credential-secretservice, the dialog offers that helper and keeps the credentials there (the real helper,
// on the private keyring), not in mrc's own keychain entry. Saves screenshots of the refusal and of the choice.
#include "secrets/credentialhelper.h"
#include "secrets/credentialstore.h"
#include "secrets/registryauth.h"
#include "views/logindialog.h"
#include "views/mainwindow.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
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
    void keptByTheDockerCredentialHelper();
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
    QVERIFY(held.credential.password == m_password); // compared, never printed
    held.credential.wipe();
}

void TestLoginDialog::keptByTheDockerCredentialHelper()
{
    const QString helper = QStringLiteral("secretservice");
    if (QStandardPaths::findExecutable(QStringLiteral("docker-credential-secretservice")).isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("docker-credential-secretservice is missing: packaging/install-deps installs "
                  "golang-docker-credential-helpers");
        QSKIP("docker-credential-secretservice is missing: run packaging/install-deps");
    }
    QTemporaryDir config;
    QVERIFY(config.isValid());
    const QByteArray before = qgetenv("DOCKER_CONFIG");
    const auto restore = qScopeGuard([&before] {
        if (before.isEmpty())
            qunsetenv("DOCKER_CONFIG");
        else
            qputenv("DOCKER_CONFIG", before);
    });

    // No config.json: the keychain is the one place offered.
    qputenv("DOCKER_CONFIG", config.path().toUtf8());
    {
        LoginDialog dialog(m_registry);
        QCOMPARE(dialog.storeBox()->count(), 1);
        QCOMPARE(dialog.storeBox()->currentData().toString(), QStringLiteral("keychain"));
    }

    QFile file(config.filePath(QStringLiteral("config.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"credsStore\": \"secretservice\"}\n");
    file.close();
    const QString server = RegistryAuth::serverAddress(m_registry);
    CredentialHelper::eraseNow(helper, server, QStringLiteral("the test"));
    QVERIFY(CredentialStore::removeNow(m_registry).ok());

    LoginDialog dialog(m_registry);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.storeBox()->count(), 2);
    QCOMPARE(dialog.storeBox()->currentData().toString(), QStringLiteral("keychain")); // the default stays
    QVERIFY2(dialog.storeBox()->itemText(1).contains(QLatin1String("docker-credential-secretservice")),
             qPrintable(dialog.storeBox()->itemText(1)));
    dialog.storeBox()->setCurrentIndex(1);
    QSignalSpy loggedIn(&dialog, &LoginDialog::loggedIn);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.usernameEdit()->setText(m_user);
    dialog.passwordEdit()->setText(QString::fromUtf8(m_password));
    saveScreenshot(&dialog, QStringLiteral("logindialog-credential-helper"));
    QTest::mouseClick(dialog.loginButton(), Qt::LeftButton);
    QVERIFY2(accepted.wait(30000), qPrintable(dialog.message()));
    QCOMPARE(loggedIn.count(), 1);

    // The helper holds them; mrc's own keychain entry was not written.
    CredentialHelper::Result held = CredentialHelper::getNow(helper, server, QStringLiteral("the test"));
    QVERIFY2(held.ok(), qPrintable(held.message));
    QCOMPARE(held.username, m_user);
    QVERIFY(held.secret == m_password); // compared, never printed
    held.secret.fill('\0');
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
    const CredentialHelper::Result erased = CredentialHelper::eraseNow(helper, server, QStringLiteral("the test"));
    QVERIFY2(erased.ok(), qPrintable(erased.message));
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
